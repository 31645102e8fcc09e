using System.Net;
using LiftSys.Sessions.TestSupport.Fakers;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>Two users through the HTTP API: row-level security, not the handlers, keeps each to their own sessions.</summary>
public sealed class UserIsolationTests : SampleApiFixture
{
    private TestUser aliceUser = null!;
    private TestUser bobUser = null!;
    private HttpClient alice = null!;
    private HttpClient bob = null!;
    private Guid aliceSession;
    private Guid bobSession;

    [SetUp]
    public async Task TwoUsersWithOneSessionEach()
    {
        aliceUser = NewUser();
        bobUser = NewUser();
        (alice, bob) = (aliceUser.Client, bobUser.Client);
        aliceSession = await alice.CreateSessionAsync("Alice's prompt");
        bobSession = await bob.CreateSessionAsync("Bob's prompt");
    }

    [TearDown]
    public void DisposeUsers()
    {
        aliceUser.Dispose();
        bobUser.Dispose();
    }

    [Test]
    public async Task List_shows_each_user_only_their_own_sessions()
    {
        var bobs = await (await bob.GetAsync("/api/sessions")).ExpectAsync(HttpStatusCode.OK);
        var alices = await (await alice.GetAsync("/api/sessions")).ExpectAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(bobs["items"]!.AsArray().Select(s => s!.Id("session_id")), Is.EqualTo(new[] { bobSession }));
            Assert.That(bobs["items"]![0]!.Id("user_id"), Is.EqualTo(bobUser.Id));
            Assert.That(alices["items"]!.AsArray().Select(s => s!.Id("session_id")), Is.EqualTo(new[] { aliceSession }));
        });
    }

    [Test]
    public async Task Get_of_another_users_session_is_404_like_a_session_that_does_not_exist()
    {
        using var others = await bob.GetAsync($"/api/sessions/{aliceSession}");
        using var missing = await bob.GetAsync($"/api/sessions/{Guid.NewGuid()}");

        var problem = await others.ExpectAsync(HttpStatusCode.NotFound);
        await missing.ExpectAsync(HttpStatusCode.NotFound);
        Assert.That(problem.Text("title"), Is.EqualTo("Session not found"));
    }

    [Test]
    public async Task Delete_of_another_users_session_is_404_and_deletes_nothing()
    {
        using var delete = await bob.DeleteAsync($"/api/sessions/{aliceSession}");
        using var stillThere = await alice.GetAsync($"/api/sessions/{aliceSession}");

        await delete.ExpectAsync(HttpStatusCode.NotFound);
        await stillThere.ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task Writes_and_timeline_of_another_users_session_are_404()
    {
        using var revision = await bob.PostJsonAsync(
            $"/api/sessions/{aliceSession}/revisions", new { Source = "refinement", IrContent = new IrDocumentFaker().Generate() });
        using var draft = await bob.PostJsonAsync($"/api/sessions/{aliceSession}/drafts", new { Source = "user_edit", CodeContent = "pass" });
        using var finalize = await bob.PostAsync($"/api/sessions/{aliceSession}/finalize", content: null);
        using var timeline = await bob.GetAsync($"/api/sessions/{aliceSession}/timeline");

        Assert.Multiple(() =>
        {
            Assert.That(revision.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(draft.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(finalize.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(timeline.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
        var after = await (await alice.GetAsync($"/api/sessions/{aliceSession}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(after.Text("status"), Is.EqualTo("active"));
            Assert.That(after["revision_count"]!.GetValue<int>(), Is.Zero);
        });
    }

    [Test]
    public async Task Analytics_counts_only_the_callers_sessions()
    {
        await bob.CreateSessionAsync("Bob's second prompt");

        var bobs = await (await bob.GetAsync("/api/analytics/me")).ExpectAsync(HttpStatusCode.OK);
        var alices = await (await alice.GetAsync("/api/analytics/me")).ExpectAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(bobs.Id("user_id"), Is.EqualTo(bobUser.Id));
            Assert.That(bobs["total_sessions"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(alices.Id("user_id"), Is.EqualTo(aliceUser.Id));
            Assert.That(alices["total_sessions"]!.GetValue<long>(), Is.EqualTo(1));
        });
    }
}

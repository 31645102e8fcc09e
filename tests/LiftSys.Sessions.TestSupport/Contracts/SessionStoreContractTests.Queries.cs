namespace LiftSys.Sessions.TestSupport.Contracts;

public abstract partial class SessionStoreContractTests
{
    [Test]
    public async Task ListActive_several_pages_returns_most_recently_updated_first()
    {
        // Arrange
        ActAs(UserA);
        var created = new List<Session>();
        for (var i = 0; i < 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            created.Add(await Store.CreateFromPromptAsync(Prompt()));
        }

        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.AppendRevisionAsync(created[1].Id, RevisionSource.Initial, Ir());
        var expected = new[] { created[1], created[4], created[3], created[2], created[0] }.Select(s => s.Id).ToArray();

        // Act
        var first = await Store.ListActiveAsync(PageRequest.First(2));
        var second = await Store.ListActiveAsync(first.Next!);
        var third = await Store.ListActiveAsync(second.Next!);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first.Items.Select(s => s.Id), Is.EqualTo(expected[..2]));
            Assert.That(first.HasMore, Is.True);
            Assert.That(second.Request, Is.EqualTo(new PageRequest(2, 2)));
            Assert.That(second.Items.Select(s => s.Id), Is.EqualTo(expected[2..4]));
            Assert.That(second.HasMore, Is.True);
            Assert.That(third.Items.Select(s => s.Id), Is.EqualTo(expected[4..]));
            Assert.That(third.HasMore, Is.False);
            Assert.That(third.Next, Is.Null);
        });
    }

    [Test]
    public async Task ListActive_page_exactly_full_has_no_more()
    {
        // Arrange
        ActAs(UserA);
        for (var i = 0; i < 3; i++)
        {
            await Store.CreateFromPromptAsync(Prompt());
        }

        // Act
        var page = await Store.ListActiveAsync(PageRequest.First(3));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(page.Items, Has.Count.EqualTo(3));
            Assert.That(page.HasMore, Is.False);
        });
    }

    [Test]
    public async Task ListActive_offset_past_the_end_is_empty()
    {
        // Arrange
        await GivenSessionAsync(UserA);

        // Act
        var page = await Store.ListActiveAsync(new PageRequest(10, 5));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(page.Items, Is.Empty);
            Assert.That(page.HasMore, Is.False);
        });
    }

    [Test]
    public async Task ListActive_sessions_in_every_status_lists_only_active_ones()
    {
        // Arrange
        var active = await GivenSessionInStatusAsync(UserA, SessionStatus.Active);
        await GivenSessionInStatusAsync(UserA, SessionStatus.Paused);
        await GivenSessionInStatusAsync(UserA, SessionStatus.Finalized);
        await GivenSessionInStatusAsync(UserA, SessionStatus.Error);

        // Act
        var page = await Store.ListActiveAsync(PageRequest.First());

        // Assert
        Assert.That(page.Items.Select(s => s.Id), Is.EqualTo(new[] { active.Id }));
    }

    [TestCase(SessionStatus.Active)]
    [TestCase(SessionStatus.Paused)]
    [TestCase(SessionStatus.Finalized)]
    [TestCase(SessionStatus.Error)]
    public async Task ListByStatus_sessions_in_every_status_lists_only_that_status(SessionStatus status)
    {
        // Arrange
        var byStatus = new Dictionary<SessionStatus, Guid>();
        foreach (var each in Enum.GetValues<SessionStatus>())
        {
            byStatus[each] = (await GivenSessionInStatusAsync(UserA, each)).Id;
        }

        // Act
        var page = await Store.ListByStatusAsync(status, PageRequest.First());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(page.Items.Select(s => s.Id), Is.EqualTo(new[] { byStatus[status] }));
            Assert.That(page.Items.Select(s => s.Status), Is.All.EqualTo(status));
        });
    }

    [Test]
    public async Task ListActive_returned_sessions_carry_current_state_and_token()
    {
        // Arrange
        var session = await GivenSessionWithHistoryAsync(UserA);

        // Act
        var listed = (await Store.ListActiveAsync(PageRequest.First())).Items.Single();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(listed.UpdatedAt, Is.EqualTo(session.UpdatedAt));
            Assert.That((listed.RevisionCount, listed.DraftCount, listed.HoleCount), Is.EqualTo((1, 1, 1)));
            Assert.That(listed.CurrentIr, IsJson(session.CurrentIr!.Value));
        });
    }

    [Test]
    public async Task Search_current_ir_containment_matches_with_jsonb_semantics()
    {
        // Arrange
        ActAs(UserA);
        var add = await Store.CreateFromPromptAsync(Prompt());
        await Store.AppendRevisionAsync(add.Id, RevisionSource.Initial, Json(
            """{"signature":{"name":"add","parameters":[{"name":"a","type":"int"},{"name":"b","type":"int"}]},"tags":["math","pure"],"version":1.0}"""));
        var greet = await Store.CreateFromPromptAsync(Prompt());
        await Store.AppendRevisionAsync(greet.Id, RevisionSource.Initial, Json(
            """{"signature":{"name":"greet","parameters":[{"name":"who","type":"str"}]},"tags":["io"],"version":2}"""));
        await Store.CreateFromPromptAsync(Prompt());

        // Act
        async Task<Guid[]> FindAsync(string json) =>
            [.. (await Store.SearchAsync(SessionSearchTarget.CurrentIr, Json(json), PageRequest.First())).Items.Select(s => s.Id)];

        // Assert
        var everyIr = new[] { add.Id, greet.Id };
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await FindAsync("""{"signature":{"name":"add"}}"""), Is.EqualTo(new[] { add.Id }));
            Assert.That(await FindAsync("""{"tags":["pure"]}"""), Is.EqualTo(new[] { add.Id }));
            Assert.That(await FindAsync("""{"tags":["pure","math","pure"]}"""), Is.EqualTo(new[] { add.Id }));
            Assert.That(await FindAsync("""{"signature":{"parameters":[{"type":"int"}]}}"""), Is.EqualTo(new[] { add.Id }));
            Assert.That(await FindAsync("""{"signature":{"parameters":[{}]}}"""), Is.EquivalentTo(everyIr));
            Assert.That(await FindAsync("""{"version":1}"""), Is.EqualTo(new[] { add.Id }));
            Assert.That(await FindAsync("""{"tags":"pure"}"""), Is.Empty);
            Assert.That(await FindAsync("""{"tags":[["pure"]]}"""), Is.Empty);
            Assert.That(await FindAsync("""{"signature":{"name":"ad"}}"""), Is.Empty);
            Assert.That(await FindAsync("{}"), Is.EquivalentTo(everyIr));
        });
    }

    [Test]
    public async Task Search_metadata_containment_finds_sessions_in_any_status()
    {
        // Arrange
        ActAs(UserA);
        var alpha = await Store.CreateFromPromptAsync(Prompt(), new CreateSessionOptions { Metadata = Json("""{"project":"alpha","tags":["x","y"]}""") });
        await Store.FinalizeAsync(alpha.Id);
        var beta = await Store.CreateFromCodeAsync(Code(), new CreateSessionOptions { Metadata = Json("""{"project":"beta","tags":["y"]}""") });

        // Act
        var alphaOnly = await Store.SearchAsync(SessionSearchTarget.Metadata, Json("""{"project":"alpha"}"""), PageRequest.First());
        var taggedY = await Store.SearchAsync(SessionSearchTarget.Metadata, Json("""{"tags":["y"]}"""), PageRequest.First());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(alphaOnly.Items.Select(s => s.Id), Is.EqualTo(new[] { alpha.Id }));
            Assert.That(alphaOnly.Items.Single().Status, Is.EqualTo(SessionStatus.Finalized));
            Assert.That(taggedY.Items.Select(s => s.Id), Is.EquivalentTo(new[] { alpha.Id, beta.Id }));
        });
    }

    [Test]
    public async Task Search_many_matches_pages_most_recently_updated_first()
    {
        // Arrange
        ActAs(UserA);
        var created = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            created.Add((await Store.CreateFromPromptAsync(Prompt(), new CreateSessionOptions { Metadata = Json("""{"batch":7}""") })).Id);
        }

        // Act
        var first = await Store.SearchAsync(SessionSearchTarget.Metadata, Json("""{"batch":7}"""), PageRequest.First(2));
        var second = await Store.SearchAsync(SessionSearchTarget.Metadata, Json("""{"batch":7}"""), first.Next!);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first.Items.Select(s => s.Id), Is.EqualTo(new[] { created[2], created[1] }));
            Assert.That(first.HasMore, Is.True);
            Assert.That(second.Items.Select(s => s.Id), Is.EqualTo(new[] { created[0] }));
            Assert.That(second.HasMore, Is.False);
        });
    }
}

using LiftSys.Sessions.EfCore.ReadModels;
using LiftSys.Sessions.EfCore.Tests.Infrastructure;
using LiftSys.Sessions.EfCore.Tests.Triggers;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Fakers;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>The spec's "Common Queries" through <see cref="SessionsDbContextQueryExtensions"/>.</summary>
public sealed class CommonQueryTests
{
    private TestDatabase database = null!;
    private NpgsqlConnection owner = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await TestDatabase.CreateAsync();
        owner = await database.OpenOwnerConnectionAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await owner.DisposeAsync();
        await database.DisposeAsync();
    }

    [Test]
    public async Task QueryActiveSessions_returns_the_users_active_sessions_most_recently_changed_first()
    {
        var user = Guid.NewGuid();
        var active = new[] { await SqlRows.InsertSessionAsync(owner, user), await SqlRows.InsertSessionAsync(owner, user), await SqlRows.InsertSessionAsync(owner, user) };
        await SqlRows.InsertSessionAsync(owner, user, new Dictionary<string, object?> { ["status"] = "paused" });
        await SqlRows.InsertSessionAsync(owner);
        foreach (var id in new[] { active[2], active[0], active[1] })
        {
            // One transaction each, so each gets a later updated_at.
            await owner.ExecuteAsync("UPDATE sessions SET metadata = '{\"touched\":true}' WHERE id = $1", id);
        }

        await using var context = database.CreateOwnerContext();
        var sessions = await context.QueryActiveSessions(user).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sessions.Select(s => s.Id), Is.EqualTo(new[] { active[1], active[0], active[2] }));
            Assert.That(context.ChangeTracker.Entries(), Is.Empty, "not tracked");
        });
    }

    [Test]
    public async Task FindSessionWithLatestAsync_loads_the_highest_numbered_revision_and_draft_in_one_round_trip()
    {
        var session = Session.StartFromPrompt(Guid.NewGuid(), "latest please");
        var revisions = new SessionRevisionFaker(session.Id).Generate(3);
        var drafts = new SessionDraftFaker(session.Id, revisions[1].Id).Generate(2);
        await using (var write = database.CreateOwnerContext())
        {
            write.AddRange([session, .. revisions.AsEnumerable().Reverse(), .. drafts.AsEnumerable().Reverse()]);
            await write.SaveChangesAsync();
        }

        await using var context = database.CreateOwnerContext();
        using var counter = new RoundTripCounter(database.Name);
        var found = await context.FindSessionWithLatestAsync(session.Id);

        Assert.Multiple(() =>
        {
            Assert.That(counter.Count, Is.EqualTo(1), string.Join("\n", counter.Commands));
            Assert.That(found!.Session.Id, Is.EqualTo(session.Id));
            Assert.That((found.LatestRevision!.Id, found.LatestDraft!.Id), Is.EqualTo((revisions[2].Id, drafts[1].Id)));
            Assert.That(System.Text.Json.JsonElement.DeepEquals(found.LatestRevision.IrContent, revisions[2].IrContent), Is.True, "the spec's latest_ir");
            Assert.That(found.LatestDraft.CodeContent, Is.EqualTo(drafts[1].CodeContent), "the spec's latest_code");
            Assert.That(found.Session.RevisionCount, Is.EqualTo(3));
            Assert.That(context.ChangeTracker.Entries(), Is.Empty, "not tracked");
        });
    }

    [Test]
    public async Task FindSessionWithLatestAsync_gives_null_latest_rows_for_a_bare_session_and_null_for_no_session()
    {
        var bare = await SqlRows.InsertSessionAsync(owner);
        await using var context = database.CreateOwnerContext();

        var found = await context.FindSessionWithLatestAsync(bare);
        var missing = await context.FindSessionWithLatestAsync(Guid.NewGuid());

        Assert.Multiple(() =>
        {
            Assert.That((found!.Session.Id, found.LatestRevision, found.LatestDraft), Is.EqualTo((bare, (SessionRevision?)null, (SessionDraft?)null)));
            Assert.That(missing, Is.Null);
        });
    }

    [Test]
    public async Task QueryActivityTimeline_lists_the_sessions_events_oldest_first_with_the_session_before_its_children()
    {
        var session = Session.StartFromPrompt(Guid.NewGuid(), "timeline");
        var revisions = new SessionRevisionFaker(session.Id).Generate(3);
        var draft = new SessionDraftFaker(session.Id, revisions[0].Id).Generate();
        var resolution = new HoleResolutionFaker(session.Id, revisions[0].Id).Generate();
        await using (var write = database.CreateOwnerContext())
        {
            // Children first in the change set: one transaction, one timestamp, so only the ordering can put the
            // session first.
            write.AddRange(resolution, draft, revisions[1], revisions[0], session);
            await write.SaveChangesAsync();
            write.Add(revisions[2]);
            await write.SaveChangesAsync();
        }

        await SqlRows.InsertSessionAsync(owner);
        await using var context = database.CreateOwnerContext();
        var timeline = await context.QueryActivityTimeline(session.Id).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(timeline.Select(e => e.EventType), Is.EqualTo(new[]
            {
                SessionActivityKind.SessionCreated, SessionActivityKind.RevisionCreated, SessionActivityKind.RevisionCreated,
                SessionActivityKind.DraftCreated, SessionActivityKind.HoleResolved, SessionActivityKind.RevisionCreated,
            }));
            Assert.That(timeline.Select(e => e.EventTime), Is.Ordered);
            Assert.That(timeline[^1].RevisionId, Is.EqualTo(revisions[2].Id));
            Assert.That((timeline[3].DraftId, timeline[3].RevisionId, timeline[4].ResolutionId), Is.EqualTo(((Guid?)draft.Id, (Guid?)revisions[0].Id, (Guid?)resolution.Id)));
            Assert.That(timeline.Select(e => e.SessionId).Distinct(), Is.EqualTo(new[] { session.Id }));
        });
    }

    [Test]
    public async Task GetUsageAsync_reads_the_users_cost_tokens_and_sessions_and_zero_for_a_user_without_sessions()
    {
        var user = Guid.NewGuid();
        var (first, second) = (await SqlRows.InsertSessionAsync(owner, user), await SqlRows.InsertSessionAsync(owner, user));
        await ChildRows.InsertAsync(owner, "session_drafts", [(first, 1), (first, 2), (second, 1)]);
        await owner.ExecuteAsync(
            "UPDATE session_drafts SET llm_cost_usd = 0.000001 * draft_number, llm_tokens_used = 1000 * draft_number WHERE session_id = ANY($1)",
            new[] { first, second });
        await owner.ExecuteAsync("UPDATE session_drafts SET llm_cost_usd = NULL, llm_tokens_used = NULL WHERE session_id = $1", second);

        await using var context = database.CreateOwnerContext();
        var usage = await context.GetUsageAsync(user);
        var nobody = await context.GetUsageAsync(Guid.NewGuid());

        Assert.Multiple(() =>
        {
            Assert.That(usage, Is.EqualTo(new UserUsage(0.000003m, 3000, 2)));
            Assert.That(nobody, Is.EqualTo(new UserUsage(0m, 0, 0)));
        });
    }

    [Test]
    public async Task GetValidationSuccessRateAsync_averages_the_sessions_fully_valid_percent_over_sessions_with_drafts()
    {
        var user = Guid.NewGuid();
        var (third, all) = (await SqlRows.InsertSessionAsync(owner, user), await SqlRows.InsertSessionAsync(owner, user));
        await SqlRows.InsertSessionAsync(owner, user); // a session without drafts, which must not count as 0 %
        await ChildRows.InsertAsync(owner, "session_drafts", [(third, 1), (third, 2), (third, 3), (all, 1), (all, 2)]);
        await owner.ExecuteAsync(
            "UPDATE session_drafts SET syntax_valid = true, ast_valid = (session_id = $2 OR draft_number = 1) WHERE session_id = ANY($1)",
            new[] { third, all }, all);
        var withoutDrafts = Guid.NewGuid();
        await SqlRows.InsertSessionAsync(owner, withoutDrafts);

        await using var context = database.CreateOwnerContext();
        var rate = await context.GetValidationSuccessRateAsync(user);
        var noDrafts = await context.GetValidationSuccessRateAsync(withoutDrafts);

        Assert.Multiple(() =>
        {
            // (33.33 + 100.00) / 2 = 66.665: a half, rounded away from zero; the session without drafts does not count.
            Assert.That(rate, Is.EqualTo(new ValidationSuccessRate(66.67m, 5, 3)));
            Assert.That(noDrafts, Is.EqualTo(new ValidationSuccessRate(null, 0, 0)));
        });
    }
}

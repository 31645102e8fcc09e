using System.Text.Json;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>The spec's "sessions survive restarts": nothing lives in the process that wrote it.</summary>
public sealed class PersistenceAcrossRestartsTests
{
    [Test]
    public async Task Session_written_by_one_host_is_read_back_whole_by_a_new_one()
    {
        await using var database = await TestDatabase.CreateAsync();
        var connectionString = database.Server.AppConnectionString(database.Name);
        var user = Guid.NewGuid();
        var ir = JsonSerializer.SerializeToElement(new { signature = new { name = "add", parameters = new[] { "a", "b" } } });
        Guid sessionId;
        SessionHistory before;

        await using (var first = Build(connectionString))
        {
            var store = first.GetRequiredService<ISessionStore>();
            using var actor = SessionActorScope.Begin(SessionActor.ForUser(user), "first host");
            var session = await store.CreateFromPromptAsync("Write a function that adds two numbers");
            sessionId = session.Id;
            var revision = await store.AppendRevisionAsync(sessionId, RevisionSource.Initial, ir);
            await store.AddDraftAsync(sessionId, DraftSource.InitialGeneration, "def add(a, b): return a + b",
                new SessionDraftDetails { IrRevisionId = revision.Id, SyntaxValid = true, AstValid = true, LlmCostUsd = 0.0042m });
            await store.ResolveHoleAsync(sessionId, "hole_function_name", HoleType.Entity, ResolutionMethod.UserSelection,
                JsonSerializer.SerializeToElement("add"), new HoleResolutionDetails { IrRevisionId = revision.Id, ConfidenceScore = 0.9m });
            await store.FinalizeAsync(sessionId);
            before = (await store.GetHistoryAsync(sessionId))!;
        }

        // Everything of the first host is gone: its service provider, its data source and its pooled connections.
        NpgsqlConnection.ClearAllPools();

        await using var second = Build(connectionString);
        using var again = SessionActorScope.Begin(SessionActor.ForUser(user), "second host");
        var after = await second.GetRequiredService<ISessionStore>().GetHistoryAsync(sessionId);

        Assert.That(after, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(after!.Session.Status, Is.EqualTo(SessionStatus.Finalized));
            Assert.That(after.Session.FinalizedAt, Is.EqualTo(before.Session.FinalizedAt));
            Assert.That(after.Session.UpdatedAt, Is.EqualTo(before.Session.UpdatedAt));
            Assert.That((after.Session.RevisionCount, after.Session.DraftCount, after.Session.HoleCount), Is.EqualTo((1, 1, 1)));
            Assert.That(JsonElement.DeepEquals(after.Revisions.Single().IrContent, ir), Is.True);
            Assert.That(after.Drafts.Single().LlmCostUsd, Is.EqualTo(0.0042m));
            Assert.That(after.HoleResolutions.Single().ConfidenceScore, Is.EqualTo(0.9m));
        });
    }

    private static ServiceProvider Build(string connectionString)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLiftSysSessions(o => o.ConnectionString = connectionString);
        return services.BuildServiceProvider();
    }
}

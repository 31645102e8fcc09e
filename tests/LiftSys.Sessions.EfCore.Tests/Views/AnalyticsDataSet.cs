using Bogus;
using LiftSys.Sessions.TestSupport;
using LiftSys.Sessions.TestSupport.Fakers;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.Tests.Views;

/// <summary>
/// Bogus-generated sessions of several users with revisions, drafts and resolutions, written through EF and then read
/// back, so the views can be checked against the same aggregates computed in C#. Seeded: every run generates the same
/// shapes (identifiers and database times differ). Besides random sessions it holds the edge cases by construction: a
/// session without drafts, one whose drafts have no timings, tokens or costs, one whose validity percentage lands on a
/// half (1 of 32 drafts valid: 3.125 %), and a user without finalized sessions.
/// </summary>
internal sealed class AnalyticsDataSet
{
    public const int Seed = 7007;

    private AnalyticsDataSet(
        IReadOnlyList<Session> sessions,
        IReadOnlyList<SessionRevision> revisions,
        IReadOnlyList<SessionDraft> drafts,
        IReadOnlyList<HoleResolution> resolutions,
        Guid[] users)
    {
        Sessions = sessions;
        Revisions = revisions;
        Drafts = drafts;
        Resolutions = resolutions;
        Users = users;
    }

    /// <summary>Gets the sessions as stored (database times and trigger-kept counters included).</summary>
    public IReadOnlyList<Session> Sessions { get; }

    public IReadOnlyList<SessionRevision> Revisions { get; }

    public IReadOnlyList<SessionDraft> Drafts { get; }

    public IReadOnlyList<HoleResolution> Resolutions { get; }

    /// <summary>Gets the users; the first never finalizes a session.</summary>
    public Guid[] Users { get; }

    public Guid UserWithoutFinalizedSessions => Users[0];

    public Guid SessionWithoutDrafts { get; private init; }

    public Guid SessionWithoutDraftMetrics { get; private init; }

    public Guid RoundingProbe { get; private init; }

    public static async Task<AnalyticsDataSet> CreateAsync(TestDatabase database, int userCount = 4)
    {
        var f = new Faker { Random = new Randomizer(Seed) };
        var users = Enumerable.Range(0, userCount).Select(_ => f.Random.Guid()).ToArray();
        var reference = DateTimeOffset.UtcNow;
        var backdating = new Dictionary<Guid, int>();
        var entities = new List<object>();
        Guid withoutDrafts = default, withoutMetrics = default, probe = default;

        for (var u = 0; u < users.Length; u++)
        {
            var sessions = new SessionFaker(Seed + u).OwnedBy(users[u]).Generate(f.Random.Int(4, 6));
            for (var j = 0; j < sessions.Count; j++)
            {
                var session = sessions[j];

                // Created this many minutes before the reference time (the rows are back-dated after the insert), and
                // finalized, if at all, somewhere in between.
                var age = f.Random.Int(60, 30 * 24 * 60);
                backdating[session.Id] = age;
                switch (u == 0 ? f.Random.Int(0, 2) : f.Random.Int(0, 3))
                {
                    case 1:
                        session.Pause();
                        break;
                    case 2:
                        session.MarkError();
                        break;
                    case 3:
                        session.MarkFinalized(reference.AddMinutes(-f.Random.Int(0, age - 1)).AddTicks(-f.Random.Int(0, 59_999_999) / 10 * 10));
                        break;
                }

                var revisions = new SessionRevisionFaker(session.Id, Seed + (100 * u) + j).Generate(j == 0 ? 0 : f.Random.Int(0, 4));
                List<SessionDraft> drafts;
                if (u == 0 && j == 0)
                {
                    withoutDrafts = session.Id;
                    drafts = [];
                }
                else if (u == 0 && j == 1)
                {
                    withoutMetrics = session.Id;
                    drafts = GenerateDrafts(f, session.Id, 3, (_, d) => d with
                    {
                        GenerationTimeMs = null, ValidationTimeMs = null, LlmTokensUsed = null, LlmCostUsd = null,
                    });
                }
                else if (u == 1 && j == 1)
                {
                    probe = session.Id;
                    drafts = GenerateDrafts(f, session.Id, 32, (n, d) => d with { SyntaxValid = true, AstValid = n == 1, GenerationTimeMs = n == 1 ? 1 : 0 });
                }
                else
                {
                    drafts = GenerateDrafts(f, session.Id, f.Random.Int(1, 6), (_, d) => d with
                    {
                        IrRevisionId = revisions.Count > 0 && f.Random.Bool(0.6f) ? f.PickRandom(revisions).Id : null,
                        GenerationTimeMs = f.Random.Bool(0.2f) ? null : d.GenerationTimeMs,
                        LlmTokensUsed = f.Random.Bool(0.2f) ? null : d.LlmTokensUsed,
                        LlmCostUsd = f.Random.Bool(0.2f) ? null : d.LlmCostUsd,
                    });
                }

                var resolutions = new HoleResolutionFaker(session.Id, revisions.Count > 0 ? revisions[^1].Id : null, Seed + (100 * u) + j)
                    .Generate(f.Random.Int(0, 3));
                entities.Add(session);
                entities.AddRange(revisions);
                entities.AddRange(drafts);
                entities.AddRange(resolutions);
            }
        }

        await using (var context = database.CreateOwnerContext())
        {
            context.AddRange(entities);
            await context.SaveChangesAsync();
        }

        await using (var owner = await database.OpenOwnerConnectionAsync())
        {
            await owner.ExecuteAsync(
                """
                UPDATE sessions s SET created_at = s.created_at - make_interval(mins => t.minutes)
                FROM unnest($1::uuid[], $2::int[]) AS t(id, minutes)
                WHERE s.id = t.id
                """,
                backdating.Keys.ToArray(),
                backdating.Values.ToArray());
        }

        await using var reader = database.CreateOwnerContext();
        return new AnalyticsDataSet(
            await reader.Sessions.AsNoTracking().ToListAsync(),
            await reader.Revisions.AsNoTracking().ToListAsync(),
            await reader.Drafts.AsNoTracking().ToListAsync(),
            await reader.HoleResolutions.AsNoTracking().ToListAsync(),
            users)
        {
            SessionWithoutDrafts = withoutDrafts,
            SessionWithoutDraftMetrics = withoutMetrics,
            RoundingProbe = probe,
        };
    }

    public IEnumerable<SessionRevision> RevisionsOf(Guid session) => Revisions.Where(r => r.SessionId == session);

    public IEnumerable<SessionDraft> DraftsOf(Guid session) => Drafts.Where(d => d.SessionId == session);

    public IEnumerable<HoleResolution> ResolutionsOf(Guid session) => Resolutions.Where(h => h.SessionId == session);

    /// <summary>Drafts numbered 1…<paramref name="count"/> with details from the draft faker, adjusted per draft.</summary>
    private static List<SessionDraft> GenerateDrafts(Faker f, Guid session, int count, Func<int, SessionDraftDetails, SessionDraftDetails> adjust) =>
        Enumerable.Range(1, count)
            .Select(n => SessionDraft.Create(
                session,
                n,
                n == 1 ? DraftSource.InitialGeneration : f.PickRandom(DraftSource.AstRepair, DraftSource.LlmRegeneration, DraftSource.UserEdit),
                SessionTextFaker.Code(f),
                adjust(n, SessionDraftDetailsFaker.Build(f))))
            .ToList();
}

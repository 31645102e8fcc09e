using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>
/// Generates one session's hole resolutions through <see cref="HoleResolution.Create"/>, each for a different hole
/// (<c>hole_1_…</c>, <c>hole_2_…</c>), so they never collide on <c>(session_id, ir_revision_id, hole_id)</c>. Seeded.
/// </summary>
public sealed class HoleResolutionFaker : Faker<HoleResolution>
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 4004;

    private int generated;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session every resolution belongs to.</param>
    /// <param name="irRevisionId">The IR revision the holes were resolved in, if any.</param>
    /// <param name="seed">The seed of this faker's own randomizer.</param>
    public HoleResolutionFaker(Guid sessionId, Guid? irRevisionId = null, int seed = DefaultSeed)
    {
        UseSeed(seed);
        CustomInstantiator(f =>
        {
            generated++;
            return HoleResolution.Create(
                sessionId,
                $"hole_{generated}_{f.Hacker.Noun().Replace(' ', '_').ToLowerInvariant()}",
                f.PickRandom<HoleType>(),
                f.PickRandom<ResolutionMethod>(),
                FakeJson.Write(writer => writer.WriteStringValue(f.PickRandom("int", "str", "list[str]", "bool"))),
                HoleResolutionDetailsFaker.Build(f) with { IrRevisionId = irRevisionId });
        });
    }
}

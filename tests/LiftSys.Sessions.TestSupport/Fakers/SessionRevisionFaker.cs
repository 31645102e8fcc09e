using System.Text.Json;
using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>
/// Generates one session's revisions through <see cref="SessionRevision.Create"/>: numbered 1, 2, 3… in generation
/// order, the first with source <see cref="RevisionSource.Initial"/>, each with a new IR document and the
/// <c>changed_fields</c> <see cref="IrDiff.ChangedFields"/> computes against the one before. Seeded.
/// </summary>
public sealed class SessionRevisionFaker : Faker<SessionRevision>
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 2002;

    private int lastNumber;
    private JsonElement? lastIr;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session every revision belongs to.</param>
    /// <param name="seed">The seed of this faker's own randomizer.</param>
    public SessionRevisionFaker(Guid sessionId, int seed = DefaultSeed)
    {
        UseSeed(seed);
        CustomInstantiator(f =>
        {
            var number = lastNumber + 1;
            var ir = IrDocumentFaker.Generate(f);
            var revision = SessionRevision.Create(
                sessionId,
                number,
                number == 1 ? RevisionSource.Initial : f.PickRandom(RevisionSource.Refinement, RevisionSource.Repair, RevisionSource.UserEdit),
                ir,
                validationResult: FakeJson.Write(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteBoolean("valid", f.Random.Bool(0.8f));
                    writer.WriteEndObject();
                }),
                changedFields: IrDiff.ChangedFields(lastIr, ir),
                changeSummary: f.Random.Bool(0.7f) ? f.Lorem.Sentence() : null);
            lastNumber = number;
            lastIr = ir;
            return revision;
        });
    }
}

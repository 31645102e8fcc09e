using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>
/// Generates one session's drafts through <see cref="SessionDraft.Create"/>: numbered 1, 2, 3… in generation order,
/// the first with source <see cref="DraftSource.InitialGeneration"/>, with details from
/// <see cref="SessionDraftDetailsFaker.Build"/>. Seeded.
/// </summary>
public sealed class SessionDraftFaker : Faker<SessionDraft>
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 3003;

    private int lastNumber;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session every draft belongs to.</param>
    /// <param name="irRevisionId">The IR revision the drafts were generated from, if any.</param>
    /// <param name="seed">The seed of this faker's own randomizer.</param>
    public SessionDraftFaker(Guid sessionId, Guid? irRevisionId = null, int seed = DefaultSeed)
    {
        UseSeed(seed);
        CustomInstantiator(f =>
        {
            var number = lastNumber + 1;
            var draft = SessionDraft.Create(
                sessionId,
                number,
                number == 1 ? DraftSource.InitialGeneration : f.PickRandom(DraftSource.AstRepair, DraftSource.LlmRegeneration, DraftSource.UserEdit),
                SessionTextFaker.Code(f),
                SessionDraftDetailsFaker.Build(f) with { IrRevisionId = irRevisionId });
            lastNumber = number;
            return draft;
        });
    }
}

using System.Text.Json;
using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>
/// Generates valid <see cref="SessionDraftDetails"/>: a language, validity flags with matching errors, non-negative
/// timings and tokens, and a cost that fits <c>numeric(10, 6)</c>. Seeded, so runs repeat.
/// </summary>
public sealed class SessionDraftDetailsFaker : Faker<SessionDraftDetails>
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 3003;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="seed">The seed of this faker's own randomizer.</param>
    public SessionDraftDetailsFaker(int seed = DefaultSeed)
    {
        UseSeed(seed);
        CustomInstantiator(Build);
    }

    /// <summary>Builds details from another faker's randomness.</summary>
    /// <param name="f">The faker to draw from.</param>
    /// <returns>Valid details without an IR revision.</returns>
    public static SessionDraftDetails Build(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var syntaxValid = f.Random.Bool(0.8f);
        var astValid = syntaxValid && f.Random.Bool(0.9f);
        return new SessionDraftDetails
        {
            Language = SessionDraft.DefaultLanguage,
            SyntaxValid = syntaxValid,
            AstValid = astValid,
            ValidationErrors = Errors(f, syntaxValid && astValid ? 0 : f.Random.Int(1, 3)),
            GenerationTimeMs = f.Random.Int(0, 20_000),
            ValidationTimeMs = f.Random.Int(0, 2_000),
            LlmTokensUsed = f.Random.Int(0, 16_000),
            LlmCostUsd = decimal.Round(f.Random.Decimal(0m, 0.5m), 6),
            Metadata = FakeJson.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("model", f.PickRandom("gpt-4o", "claude-sonnet", "qwen-coder"));
                writer.WriteEndObject();
            }),
        };
    }

    private static JsonElement Errors(Faker f, int count) => FakeJson.Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var _ in Enumerable.Range(0, count))
        {
            writer.WriteStartObject();
            writer.WriteNumber("line", f.Random.Int(1, 40));
            writer.WriteString("message", f.Lorem.Sentence(5));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });
}

using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>
/// Generates valid <see cref="HoleResolutionDetails"/>: a confidence of 0 to 1 with two decimals (or none), the hole's
/// original data, the suggestions shown and sometimes feedback. Seeded, so runs repeat.
/// </summary>
public sealed class HoleResolutionDetailsFaker : Faker<HoleResolutionDetails>
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 4004;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="seed">The seed of this faker's own randomizer.</param>
    public HoleResolutionDetailsFaker(int seed = DefaultSeed)
    {
        UseSeed(seed);
        CustomInstantiator(Build);
    }

    /// <summary>Builds details from another faker's randomness.</summary>
    /// <param name="f">The faker to draw from.</param>
    /// <returns>Valid details without an IR revision.</returns>
    public static HoleResolutionDetails Build(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new HoleResolutionDetails
        {
            ConfidenceScore = f.Random.Bool(0.8f) ? decimal.Round(f.Random.Decimal(0m, 1m), 2) : null,
            OriginalHoleData = FakeJson.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("description", f.Lorem.Sentence(6));
                writer.WriteString("kind", f.PickRandom("type", "parameter", "return_value"));
                writer.WriteEndObject();
            }),
            SuggestionsProvided = FakeJson.Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var _ in Enumerable.Range(0, f.Random.Int(0, 3)))
                {
                    writer.WriteStringValue(f.Hacker.Noun());
                }

                writer.WriteEndArray();
            }),
            UserFeedback = f.Random.Bool(0.3f) ? f.Lorem.Sentence() : null,
        };
    }
}

using System.Text.Json;
using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>
/// Generates IR documents shaped like lift-sys IR: a JSON object with nested objects (<c>intent</c>, <c>signature</c>,
/// <c>metadata</c>) and arrays of objects (<c>signature.parameters</c>, <c>effects</c>, <c>assertions</c>). The same
/// seed gives the same documents, whatever <see cref="Randomizer.Seed"/> is.
/// </summary>
public sealed class IrDocumentFaker
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 4242;

    private static readonly string[] Types = ["int", "float", "str", "bool", "list[int]", "dict[str, int]", "None"];

    private readonly Faker faker;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="seed">The seed of the generator's own randomizer.</param>
    public IrDocumentFaker(int seed = DefaultSeed)
    {
        faker = new Faker { Random = new Randomizer(seed) };
    }

    /// <summary>Generates the next document.</summary>
    /// <returns>A detached JSON object, far below the 1 MiB limit.</returns>
    public JsonElement Generate() => Generate(faker);

    /// <summary>Generates <paramref name="count"/> documents.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The documents, in generation order.</returns>
    public IReadOnlyList<JsonElement> Generate(int count) => Enumerable.Range(0, count).Select(_ => Generate()).ToArray();

    /// <summary>Generates a document from another faker's randomness, so a caller's own seed decides it.</summary>
    /// <param name="f">The faker to draw from.</param>
    /// <returns>A detached JSON object.</returns>
    public static JsonElement Generate(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return FakeJson.Write(writer =>
        {
            writer.WriteStartObject();

            writer.WriteStartObject("intent");
            writer.WriteString("summary", f.Lorem.Sentence());
            writer.WriteString("rationale", f.Lorem.Sentence());
            writer.WriteEndObject();

            writer.WriteStartObject("signature");
            writer.WriteString("name", FunctionName(f));
            writer.WriteStartArray("parameters");
            foreach (var _ in Enumerable.Range(0, f.Random.Int(0, 4)))
            {
                writer.WriteStartObject();
                writer.WriteString("name", f.Hacker.Noun().Replace(' ', '_').ToLowerInvariant());
                writer.WriteString("type_hint", f.PickRandom(Types));
                writer.WriteString("description", f.Lorem.Sentence(4));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("returns", f.PickRandom(Types));
            writer.WriteEndObject();

            writer.WriteStartArray("effects");
            foreach (var _ in Enumerable.Range(0, f.Random.Int(0, 3)))
            {
                writer.WriteStartObject();
                writer.WriteString("description", f.Lorem.Sentence(5));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();

            writer.WriteStartArray("assertions");
            foreach (var _ in Enumerable.Range(0, f.Random.Int(1, 3)))
            {
                writer.WriteStartObject();
                writer.WriteString("predicate", $"{f.Hacker.Abbreviation().ToLowerInvariant()} {f.PickRandom(">", ">=", "!=", "==")} {f.Random.Int(0, 100)}");
                writer.WriteString("rationale", f.Lorem.Sentence(4));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();

            writer.WriteStartObject("metadata");
            writer.WriteString("origin", f.PickRandom("prompt", "code"));
            writer.WriteString("language", "python");
            writer.WriteNumber("version", f.Random.Int(1, 5));
            writer.WriteEndObject();

            writer.WriteEndObject();
        });
    }

    /// <summary>Generates a snake_case function name.</summary>
    /// <param name="f">The faker to draw from.</param>
    /// <returns>For example <c>calculate_bandwidth</c>.</returns>
    public static string FunctionName(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return $"{f.Hacker.Verb()}_{f.Hacker.Noun()}".Replace(' ', '_').Replace('-', '_').ToLowerInvariant();
    }
}

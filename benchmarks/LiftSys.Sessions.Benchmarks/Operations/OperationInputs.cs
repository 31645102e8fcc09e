using System.Text.Json;
using Bogus;
using LiftSys.Sessions.TestSupport.Fakers;

namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>
/// Input generated once, before measuring (Bogus, fixed seed): prompts, IR documents and code, handed out in turn so
/// consecutive calls write different content, the same for the library and the raw baseline.
/// </summary>
internal sealed class OperationInputs
{
    private const int Size = 64;

    private static readonly string[] Tags = ["benchmark"];

    private readonly string[] prompts;
    private readonly JsonElement[] irs;
    private readonly string[] codes;
    private readonly JsonElement[] metadata;

    public OperationInputs()
    {
        var faker = new Faker { Random = new Randomizer(9009) };
        prompts = Enumerable.Range(0, Size).Select(_ => SessionTextFaker.Prompt(faker)).ToArray();
        irs = Enumerable.Range(0, Size).Select(_ => IrDocumentFaker.Generate(faker)).ToArray();
        codes = Enumerable.Range(0, Size).Select(_ => SessionTextFaker.Code(faker)).ToArray();
        Metadata = JsonSerializer.SerializeToElement(new { client = "bench", tags = Tags });
        metadata = Enumerable.Range(0, Size).Select(i => JsonSerializer.SerializeToElement(new { client = "bench", tags = Tags, edit = i })).ToArray();
        ResolvedValue = JsonSerializer.SerializeToElement(new { type_hint = "int", confirmed = true });
    }

    public JsonElement Metadata { get; }

    public JsonElement ResolvedValue { get; }

    public string Prompt(int n) => prompts[n % Size];

    public JsonElement Ir(int n) => irs[n % Size];

    public string Code(int n) => codes[n % Size];

    /// <summary>Metadata for the n-th update, different from the previous call's so every update changes the row.</summary>
    public JsonElement UpdatedMetadata(int n) => metadata[n % Size];
}

using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>The optional columns of a <see cref="SessionDraft"/>, passed to <see cref="SessionDraft.Create"/>.</summary>
public sealed record SessionDraftDetails
{
    /// <summary>Gets the IR revision the code was generated from.</summary>
    public Guid? IrRevisionId { get; init; }

    /// <summary>Gets the programming language; <see cref="SessionDraft.DefaultLanguage"/> when <see langword="null"/>.</summary>
    public string? Language { get; init; }

    /// <summary>Gets whether the code's syntax is valid.</summary>
    public bool SyntaxValid { get; init; }

    /// <summary>Gets whether the code's AST is valid.</summary>
    public bool AstValid { get; init; }

    /// <summary>Gets the syntax and AST errors: a JSON array; <c>[]</c> when <see langword="null"/>.</summary>
    public JsonElement? ValidationErrors { get; init; }

    /// <summary>Gets how long generation took, in milliseconds; not negative.</summary>
    public int? GenerationTimeMs { get; init; }

    /// <summary>Gets how long validation took, in milliseconds; not negative.</summary>
    public int? ValidationTimeMs { get; init; }

    /// <summary>Gets the LLM tokens used (input plus output); not negative.</summary>
    public int? LlmTokensUsed { get; init; }

    /// <summary>Gets the LLM cost in USD; 0 to 9999.999999 with at most six decimal places.</summary>
    public decimal? LlmCostUsd { get; init; }

    /// <summary>Gets additional metadata: a JSON object; <c>{}</c> when <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; init; }
}

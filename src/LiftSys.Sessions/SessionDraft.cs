using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// One code-generation attempt (a row of <c>session_drafts</c>): the code, whether it passed syntax and AST
/// validation, how long it took, and what the LLM call cost.
/// </summary>
public sealed class SessionDraft
{
    /// <summary>The language a draft is in when none is given, as in the schema's default.</summary>
    public const string DefaultLanguage = "python";

    /// <summary>The largest LLM cost <c>numeric(10, 6)</c> can hold.</summary>
    public const decimal MaxLlmCostUsd = 9999.999999m;

    private SessionDraft()
    {
        CodeContent = null!;
        Language = null!;
    }

    private SessionDraft(Guid sessionId, int draftNumber, DraftSource source, string codeContent, SessionDraftDetails details)
    {
        if (sessionId == Guid.Empty)
        {
            throw new SessionValidationException("session_id", ValidationRule.Required, "session_id must not be the empty GUID.");
        }

        Id = Guid.CreateVersion7();
        SessionId = sessionId;
        IrRevisionId = details.IrRevisionId;
        DraftNumber = Guard.Positive(draftNumber, "draft_number");
        Source = Guard.Defined(source, "source");
        CodeContent = Guard.NotEmpty(codeContent, "code_content");
        Language = Guard.NotEmpty(details.Language ?? DefaultLanguage, "language");
        SyntaxValid = details.SyntaxValid;
        AstValid = details.AstValid;
        ValidationErrors = Guard.Json(details.ValidationErrors, "validation_errors", JsonValueKind.Array) ?? JsonDefaults.EmptyArray;
        GenerationTimeMs = Guard.NonNegative(details.GenerationTimeMs, "generation_time_ms");
        ValidationTimeMs = Guard.NonNegative(details.ValidationTimeMs, "validation_time_ms");
        LlmTokensUsed = Guard.NonNegative(details.LlmTokensUsed, "llm_tokens_used");
        LlmCostUsd = Guard.Numeric(Guard.NonNegative(details.LlmCostUsd, "llm_cost_usd"), "llm_cost_usd", 10, 6);
        Metadata = Guard.Json(details.Metadata, "metadata", JsonValueKind.Object) ?? JsonDefaults.EmptyObject;
    }

    /// <summary>Gets the draft's identifier (<c>id</c>).</summary>
    public Guid Id { get; private set; }

    /// <summary>Gets the session the draft belongs to (<c>session_id</c>).</summary>
    public Guid SessionId { get; private set; }

    /// <summary>Gets the IR revision the code was generated from (<c>ir_revision_id</c>), if known and not deleted.</summary>
    public Guid? IrRevisionId { get; private set; }

    /// <summary>Gets the draft's number within its session (<c>draft_number</c>), starting at 1.</summary>
    public int DraftNumber { get; private set; }

    /// <summary>Gets what produced the draft (<c>source</c>).</summary>
    public DraftSource Source { get; private set; }

    /// <summary>Gets the generated code (<c>code_content</c>); never empty.</summary>
    public string CodeContent { get; private set; }

    /// <summary>Gets the programming language (<c>language</c>), <c>python</c> by default.</summary>
    public string Language { get; private set; }

    /// <summary>Gets whether the code's syntax is valid (<c>syntax_valid</c>).</summary>
    public bool SyntaxValid { get; private set; }

    /// <summary>Gets whether the code's AST is valid (<c>ast_valid</c>).</summary>
    public bool AstValid { get; private set; }

    /// <summary>Gets the syntax and AST errors (<c>validation_errors</c>): a JSON array, <c>[]</c> by default.</summary>
    public JsonElement? ValidationErrors { get; private set; }

    /// <summary>Gets how long generation took in milliseconds (<c>generation_time_ms</c>), if measured.</summary>
    public int? GenerationTimeMs { get; private set; }

    /// <summary>Gets how long validation took in milliseconds (<c>validation_time_ms</c>), if measured.</summary>
    public int? ValidationTimeMs { get; private set; }

    /// <summary>Gets the LLM tokens used, input plus output (<c>llm_tokens_used</c>), if known.</summary>
    public int? LlmTokensUsed { get; private set; }

    /// <summary>Gets the LLM cost in USD (<c>llm_cost_usd</c>, <c>numeric(10, 6)</c>), if known.</summary>
    public decimal? LlmCostUsd { get; private set; }

    /// <summary>Gets additional metadata (<c>metadata</c>): a JSON object, <c>{}</c> by default.</summary>
    public JsonElement? Metadata { get; private set; }

    /// <summary>Gets when the draft was created (<c>created_at</c>, UTC), set by the database.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Gets whether the draft passed both syntax and AST validation.</summary>
    public bool IsFullyValid => SyntaxValid && AstValid;

    /// <summary>Creates a draft. The session store allocates <paramref name="draftNumber"/>.</summary>
    /// <param name="sessionId">The parent session.</param>
    /// <param name="draftNumber">The number within the session; greater than zero.</param>
    /// <param name="source">What produced the draft.</param>
    /// <param name="codeContent">The code; not empty, no NUL characters, at most 1 MiB.</param>
    /// <param name="details">Validity, timings, cost and the other optional columns; <see langword="null"/> for none.</param>
    /// <returns>A new draft with a new identifier.</returns>
    /// <exception cref="SessionValidationException">
    /// An argument breaks one of the rules above, a timing or token count is negative, or the cost is negative or does
    /// not fit <c>numeric(10, 6)</c>.
    /// </exception>
    public static SessionDraft Create(
        Guid sessionId, int draftNumber, DraftSource source, string codeContent, SessionDraftDetails? details = null)
        => new(sessionId, draftNumber, source, codeContent, details ?? new SessionDraftDetails());

    /// <summary>Sets <c>created_at</c>, as the database's default does on insert.</summary>
    internal void StampCreated(DateTimeOffset createdAt) => CreatedAt = createdAt;

    /// <summary>
    /// Gives the draft the id a store fixed for the whole call, so that every attempt of one write (after a dropped
    /// connection, a retry) writes the same row and an attempt that did commit can be found by it.
    /// </summary>
    internal void AssignId(Guid id) => Id = id;

    /// <summary>
    /// Returns a copy of a draft validated once with a placeholder position, placed in <paramref name="sessionId"/> as
    /// number <paramref name="draftNumber"/> with id <paramref name="id"/>: a store learns the number only under the
    /// session's lock, and validating the content again there would only repeat the same work.
    /// </summary>
    internal SessionDraft PlacedAt(Guid sessionId, int draftNumber, Guid id)
    {
        var placed = (SessionDraft)MemberwiseClone();
        placed.SessionId = sessionId;
        placed.DraftNumber = Guard.Positive(draftNumber, "draft_number");
        placed.Id = id;
        return placed;
    }
}

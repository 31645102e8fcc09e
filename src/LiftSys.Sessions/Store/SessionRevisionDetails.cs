using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>The optional columns of a revision appended through <see cref="ISessionStore.AppendRevisionAsync"/>.</summary>
/// <remarks>
/// <c>revision_number</c> and <c>changed_fields</c> are not here: the store allocates the number and computes the
/// changed fields with <see cref="IrDiff.ChangedFields"/>.
/// </remarks>
public sealed record SessionRevisionDetails
{
    /// <summary>Gets the IR interpreter's validation result, if any: any JSON value.</summary>
    public JsonElement? ValidationResult { get; init; }

    /// <summary>Gets a human-readable description of the change: no NUL characters, at most 1 MiB.</summary>
    public string? ChangeSummary { get; init; }

    /// <summary>Gets additional metadata: a JSON object; <c>{}</c> when <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; init; }
}

using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>The optional settings of <see cref="ISessionStore.CreateFromPromptAsync"/> and <see cref="ISessionStore.CreateFromCodeAsync"/>.</summary>
public sealed record CreateSessionOptions
{
    /// <summary>
    /// Gets the owner of the new session. A signed-in user may leave it <see langword="null"/> or name themselves; the
    /// service role must name the owner, since it has no user of its own.
    /// </summary>
    public Guid? OwnerId { get; init; }

    /// <summary>Gets the session's metadata: a JSON object; <c>{}</c> when <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; init; }
}

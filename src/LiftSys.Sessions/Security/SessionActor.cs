using System.Text.Json;

namespace LiftSys.Sessions.Security;

/// <summary>
/// Who is acting: a signed-in user (with the claims of their token), the service role, or nobody. The library turns it
/// into the PostgreSQL role and the <c>request.jwt.claims</c> setting that row-level security reads through
/// <c>auth.uid()</c>, exactly as Supabase's API gateway does.
/// </summary>
public sealed class SessionActor : IEquatable<SessionActor>
{
    // Declared first: static initializers run in textual order and Anonymous/ServiceRole need it.
    private static readonly IReadOnlyDictionary<string, JsonElement> EmptyClaims = new Dictionary<string, JsonElement>();

    // The actor is immutable, so its claims serialize to the same text every time; the connection interceptor compares
    // actors before every command, so the text is built once.
    private string? claimsJson;

    private SessionActor(SessionActorKind kind, Guid? userId, IReadOnlyDictionary<string, JsonElement> claims)
    {
        Kind = kind;
        UserId = userId;
        AdditionalClaims = claims;
    }

    /// <summary>Gets the actor for requests with no signed-in user. It can read and write nothing.</summary>
    public static SessionActor Anonymous { get; } = new(SessionActorKind.Anonymous, null, EmptyClaims);

    /// <summary>Gets the actor for trusted backend work that bypasses row-level security. Use it through <see cref="SessionActorScope.BeginServiceRole"/>.</summary>
    public static SessionActor ServiceRole { get; } = new(SessionActorKind.ServiceRole, null, EmptyClaims);

    /// <summary>Gets what kind of actor this is.</summary>
    public SessionActorKind Kind { get; }

    /// <summary>Gets the signed-in user's id (the token's <c>sub</c>), or <see langword="null"/> unless <see cref="Kind"/> is <see cref="SessionActorKind.User"/>.</summary>
    public Guid? UserId { get; }

    /// <summary>
    /// Gets claims to pass on in <c>request.jwt.claims</c> beside <c>sub</c> and <c>role</c> (for example <c>email</c> or
    /// <c>app_metadata</c>), readable in SQL through <c>auth.jwt()</c>.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> AdditionalClaims { get; }

    /// <summary>Gets the PostgreSQL role this actor runs as: <c>anon</c>, <c>authenticated</c> or <c>service_role</c>.</summary>
    public string DatabaseRole => Kind switch
    {
        SessionActorKind.User => "authenticated",
        SessionActorKind.ServiceRole => "service_role",
        _ => "anon",
    };

    /// <summary>Creates the actor for a signed-in user.</summary>
    /// <param name="userId">The user's id, the <c>sub</c> of their token; must not be <see cref="Guid.Empty"/>.</param>
    /// <param name="additionalClaims">Other claims to pass on; <c>sub</c> and <c>role</c> are reserved and refused.</param>
    /// <returns>An actor of kind <see cref="SessionActorKind.User"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, or a reserved claim was given.</exception>
    public static SessionActor ForUser(Guid userId, IReadOnlyDictionary<string, JsonElement>? additionalClaims = null)
    {
        if (userId == Guid.Empty)
        {
            throw new ArgumentException("A user actor needs a user id; Guid.Empty is not one.", nameof(userId));
        }

        var claims = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in additionalClaims ?? EmptyClaims)
        {
            if (name is "sub" or "role")
            {
                throw new ArgumentException(
                    $"The claim '{name}' is set by the library from the actor itself and cannot be passed as an additional claim.",
                    nameof(additionalClaims));
            }

            claims[name] = value.Clone();
        }

        return new SessionActor(SessionActorKind.User, userId, claims);
    }

    /// <summary>
    /// Serializes the claims as Supabase puts them in <c>request.jwt.claims</c>: a JSON object with <c>sub</c> (users only),
    /// <c>role</c>, and the additional claims.
    /// </summary>
    /// <returns>The JSON text, escaped by <see cref="Utf8JsonWriter"/>; it is sent as a query parameter, never spliced into SQL.</returns>
    public string ToClaimsJson() => claimsJson ??= SerializeClaims();

    /// <inheritdoc />
    public bool Equals(SessionActor? other) =>
        ReferenceEquals(this, other)
        // Nullable.Equals, not the lifted ==: actors of one kind all have a user id or none has, so the lifted operator's
        // has-value-differs case could never be reached.
        || (other is not null && Kind == other.Kind && Nullable.Equals(UserId, other.UserId) && ToClaimsJson() == other.ToClaimsJson());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SessionActor);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, UserId);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        SessionActorKind.User => $"user {UserId}",
        SessionActorKind.ServiceRole => "service role",
        _ => "anonymous",
    };

    private string SerializeClaims()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (UserId is { } userId)
            {
                writer.WriteString("sub", userId);
            }

            writer.WriteString("role", DatabaseRole);
            foreach (var (name, value) in AdditionalClaims)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

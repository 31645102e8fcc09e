namespace LiftSys.Sessions.TestSupport;

/// <summary>Quoting for the few places where PostgreSQL cannot take a parameter: identifiers in DDL.</summary>
public static class Sql
{
    /// <summary>
    /// Quotes <paramref name="identifier"/> as a PostgreSQL identifier, doubling any embedded double quote, so a
    /// database or role name can be spliced into <c>CREATE DATABASE</c>, <c>CREATE ROLE</c> and the like.
    /// </summary>
    /// <param name="identifier">The unquoted name.</param>
    /// <returns>The name between double quotes, safe to splice into SQL text.</returns>
    public static string QuoteIdentifier(string identifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);

        // PostgreSQL cannot store a NUL in a name; rejecting it here beats a confusing protocol error later.
        if (identifier.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A PostgreSQL identifier cannot contain a NUL character.", nameof(identifier));
        }

        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}

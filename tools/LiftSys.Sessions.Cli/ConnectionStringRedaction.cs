using Npgsql;

namespace LiftSys.Sessions.Cli;

/// <summary>Keeps passwords out of everything the tool prints.</summary>
internal static class ConnectionStringRedaction
{
    public const string Mask = "***";

    /// <summary>Returns <paramref name="connectionString"/> with its password, if any, replaced by <see cref="Mask"/>.</summary>
    public static string MaskPassword(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = Mask;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Returns the password in <paramref name="connectionString"/>, or null when there is none or the string cannot
    /// be parsed (the parse error is reported by whatever uses the string next).
    /// </summary>
    public static string? TryGetPassword(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return null;
        }

        try
        {
            var password = new NpgsqlConnectionStringBuilder(connectionString).Password;
            return string.IsNullOrEmpty(password) ? null : password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Replaces every occurrence of <paramref name="secret"/> in <paramref name="text"/> by <see cref="Mask"/>.</summary>
    public static string Scrub(string text, string? secret) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, Mask, StringComparison.Ordinal);
}

using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using Npgsql;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>
/// The statement the library's <see cref="AuthClaimsConnectionInterceptor"/> sends (its own constant), with the same parameters:
/// it checks that the login does not skip row-level security and sets <c>role</c>, <c>request.jwt.claims</c> and the
/// legacy <c>request.jwt.claim.*</c> settings. The raw baseline sends it as the first command of its first batch.
/// </summary>
internal static class ClaimsStatement
{
    public const string Sql = AuthClaimsConnectionInterceptor.ApplyClaimsSql;

    /// <summary>Creates the command for <paramref name="actor"/>.</summary>
    /// <param name="actor">Who is acting.</param>
    /// <param name="local">
    /// <see langword="false"/> (the library's default, <c>ClaimsScope.Connection</c>): the settings last until Npgsql
    /// resets the pooled connection; <see langword="true"/>: until the transaction ends.
    /// </param>
    /// <returns>The batch command.</returns>
    public static NpgsqlBatchCommand Create(SessionActor actor, bool local = false) => new(Sql)
    {
        Parameters =
        {
            new NpgsqlParameter<string> { TypedValue = actor.DatabaseRole },
            new NpgsqlParameter<string> { TypedValue = actor.ToClaimsJson() },
            new NpgsqlParameter<string> { TypedValue = actor.UserId?.ToString() ?? string.Empty },
            new NpgsqlParameter<bool> { TypedValue = local },
            new NpgsqlParameter<bool> { TypedValue = false },
        },
    };

    /// <summary>Reads the statement's row, refuses a login that would skip row-level security, and moves to the next result.</summary>
    /// <param name="reader">The batch's reader, positioned on the claims statement's result.</param>
    /// <returns>A task that completes when the reader is on the next statement's result.</returns>
    public static async Task CheckAsync(NpgsqlDataReader reader)
    {
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException("PostgreSQL returned no row for the login role.");
        }

        if (reader.GetBoolean(1) || reader.GetBoolean(2) || reader.GetBoolean(3))
        {
            throw new InvalidOperationException($"The login role {reader.GetString(0)} skips row-level security.");
        }

        await reader.NextResultAsync();
    }
}

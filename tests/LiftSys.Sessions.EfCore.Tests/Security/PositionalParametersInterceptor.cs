using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// A host's interceptor that sends raw SQL written with positional placeholders (<c>$1</c>) as such: it clears the names
/// EF Core gives every raw-SQL parameter, which Npgsql needs to bind them by position.
/// </summary>
internal sealed class PositionalParametersInterceptor : DbCommandInterceptor
{
    public static readonly PositionalParametersInterceptor Instance = new();

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        if (result.CommandText.Contains("$1", StringComparison.Ordinal))
        {
            foreach (DbParameter parameter in result.Parameters)
            {
                parameter.ParameterName = string.Empty;
            }
        }

        return result;
    }
}

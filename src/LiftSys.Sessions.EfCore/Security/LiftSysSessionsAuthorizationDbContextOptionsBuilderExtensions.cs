using System.Diagnostics.CodeAnalysis;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.Security;

/// <summary>Adds LiftSys.Sessions' user isolation to a <see cref="SessionsDbContext"/>'s options.</summary>
public static class LiftSysSessionsAuthorizationDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Makes every connection (or transaction, see <see cref="ClaimsScope"/>) the context uses act as the actor that
    /// <paramref name="actors"/> reports, under row-level security, and refuses to run on a login role that would skip it.
    /// </summary>
    /// <remarks>
    /// The claims are sent through <c>liftsys_sessions_apply_claims</c> (migration 010) in front of the first command that
    /// needs them, at no round trip of their own; on a database below that migration every command fails closed.
    /// </remarks>
    /// <param name="builder">The options builder of a <see cref="SessionsDbContext"/>.</param>
    /// <param name="actors">Tells who is acting; read before every command (the claims ride with the first command that needs them, and again with the first command after the actor changed).</param>
    /// <param name="configure">Adjusts the <see cref="SessionAuthorizationOptions"/>.</param>
    /// <returns>The same builder, so that further configuration can be chained.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The generic overload mirrors EF Core's own DbContextOptionsBuilder<TContext> pattern; both share the one optional configure callback.")]
    public static DbContextOptionsBuilder UseLiftSysSessionsAuthorization(
        this DbContextOptionsBuilder builder, ISessionActorAccessor actors, Action<SessionAuthorizationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(actors);

        var options = new SessionAuthorizationOptions();
        configure?.Invoke(options);
        return builder.AddInterceptors(new AuthClaimsConnectionInterceptor(actors, options));
    }

    /// <summary>
    /// Makes every connection (or transaction, see <see cref="ClaimsScope"/>) the context uses act as the actor that
    /// <paramref name="actors"/> reports, under row-level security, and refuses to run on a login role that would skip it.
    /// </summary>
    /// <typeparam name="TContext">The context type, <see cref="SessionsDbContext"/> or a subclass.</typeparam>
    /// <param name="builder">The options builder.</param>
    /// <param name="actors">Tells who is acting; read before every command (the claims ride with the first command that needs them, and again with the first command after the actor changed).</param>
    /// <param name="configure">Adjusts the <see cref="SessionAuthorizationOptions"/>.</param>
    /// <returns>The same builder, so that further configuration can be chained.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The generic overload mirrors EF Core's own DbContextOptionsBuilder<TContext> pattern; both share the one optional configure callback.")]
    public static DbContextOptionsBuilder<TContext> UseLiftSysSessionsAuthorization<TContext>(
        this DbContextOptionsBuilder<TContext> builder, ISessionActorAccessor actors, Action<SessionAuthorizationOptions>? configure = null)
        where TContext : SessionsDbContext
        => (DbContextOptionsBuilder<TContext>)UseLiftSysSessionsAuthorization((DbContextOptionsBuilder)builder, actors, configure);
}

using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.EfCore.Tests.Fallback;

/// <summary>
/// The steps of an outage every fallback test takes the same way: trip the breaker on a stopped server, wait for it to
/// close once the server is back, and read an operation's outcome as one comparable string.
/// </summary>
internal static class FallbackOutage
{
    /// <summary>Two operations on a session stored in PostgreSQL, as its owner: confirmed outages, so the breaker opens.</summary>
    public static async Task TripAsync(FallbackHost host, Guid storedSessionId, Guid owner)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.That(await OutcomeAsync(() => AsAsync(owner, () => host.Store.GetAsync(storedSessionId))), Does.StartWith(nameof(SessionStoreUnavailableException)));
        }

        Assert.That(host.State.FallbackActive, Is.True, "two confirmed outages trip the breaker");
    }

    /// <summary>Waits out the break, then an operation of the session's owner probes PostgreSQL and closes the breaker.</summary>
    public static async Task RecoverAsync(FallbackHost host, Guid storedSessionId, Guid owner)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.State.FallbackActive && DateTime.UtcNow < deadline)
        {
            await Task.Delay(FallbackHost.BreakDuration / 2);
            try
            {
                await AsAsync(owner, () => host.Store.GetAsync(storedSessionId));
            }
            catch (SessionStoreUnavailableException)
            {
                // Still open, or the probe came too early.
            }
        }

        Assert.That(host.State.FallbackActive, Is.False, "the breaker closes by itself once PostgreSQL is back");
    }

    /// <summary>"succeeded", the unavailable exception with its retry hint, or the failure's type name.</summary>
    public static async Task<string> OutcomeAsync(Func<Task> operation)
    {
        try
        {
            await operation();
            return "succeeded";
        }
        catch (SessionStoreUnavailableException ex)
        {
            var hint = ex.RetryAfter is { } after && after > TimeSpan.Zero && after <= FallbackHost.BreakDuration ? "within the break" : $"{ex.RetryAfter}";
            return $"{nameof(SessionStoreUnavailableException)}, retry after: {hint}";
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    /// <summary>Runs <paramref name="operation"/> as <paramref name="user"/>.</summary>
    public static async Task<T> AsAsync<T>(Guid user, Func<Task<T>> operation)
    {
        using var actor = SessionActorScope.Begin(SessionActor.ForUser(user), "test");
        return await operation();
    }
}

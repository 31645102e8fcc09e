using LiftSys.Sessions.EfCore.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace LiftSys.Sessions.EfCore.Store.Fallback;

/// <summary>
/// Polly's circuit breaker in front of PostgreSQL, counting only confirmed outages: an operation's failure that
/// <see cref="PostgresOutageClassifier"/> names a candidate and after which <see cref="PostgresConnectivityProbe"/>
/// cannot open a fresh connection either. So a lock wait, a command timeout, an exhausted pool or a dropped backend on a
/// server that still accepts connections never trips it, whatever their number. Once open, it lets one operation through
/// after <see cref="FallbackToMemoryOptions.BreakDuration"/>; that operation first opens a fresh connection (a cheap
/// probe), then runs, and closes the breaker when it succeeds.
/// </summary>
internal sealed partial class FallbackCircuitBreaker
{
    private static readonly ResiliencePropertyKey<bool> ConfirmedOutage = new("LiftSys.Sessions.ConfirmedOutage");

    private readonly ResiliencePipeline pipeline;
    private readonly CircuitBreakerStateProvider stateProvider = new();
    private readonly PostgresConnectivityProbe probe;
    private readonly TimeSpan breakDuration;

    public FallbackCircuitBreaker(
        FallbackToMemoryOptions options, PostgresConnectivityProbe probe, SessionStorageState state, ILogger logger, Action onClosed)
    {
        this.probe = probe;
        breakDuration = options.BreakDuration;
        pipeline = new ResiliencePipelineBuilder { Name = "LiftSys.Sessions.FallbackToMemory" }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = stateProvider,
                ShouldHandle = args => IsConfirmedOutageAsync(args.Outcome.Exception, args.Context),
                OnOpened = args =>
                {
                    var cause = args.Outcome.Exception?.GetBaseException().Message ?? "unknown";
                    if (state.Trip($"PostgreSQL unreachable since {DateTimeOffset.UtcNow:O}: {cause}"))
                    {
                        LogTripped(logger, args.BreakDuration.TotalSeconds, args.Outcome.Exception);
                    }

                    return default;
                },
                OnHalfOpened = _ =>
                {
                    LogProbing(logger);
                    return default;
                },
                OnClosed = _ =>
                {
                    state.Recover();
                    LogRecovered(logger);
                    onClosed();
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Gets a value indicating whether the breaker is open or probing: PostgreSQL counts as unreachable.</summary>
    public bool IsTripped => stateProvider.CircuitState is CircuitState.Open or CircuitState.HalfOpen or CircuitState.Isolated;

    /// <summary>
    /// Runs an operation on PostgreSQL through the breaker.
    /// </summary>
    /// <exception cref="SessionStoreUnavailableException">
    /// The breaker is open (the operation did not run), or the operation failed on a confirmed outage (its failure is the
    /// inner exception). Any other failure of the operation is rethrown as it is.
    /// </exception>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                async ctx =>
                {
                    if (stateProvider.CircuitState == CircuitState.HalfOpen
                        && await probe.CheckAsync(ctx.CancellationToken).ConfigureAwait(false) is { } unreachable)
                    {
                        ctx.Properties.Set(ConfirmedOutage, true);
                        throw new SessionStoreUnavailableException("PostgreSQL is still unreachable: a fresh connection could not be opened.", breakDuration, unreachable);
                    }

                    return await operation(ctx.CancellationToken).ConfigureAwait(false);
                },
                context).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            // Polly leaves RetryAfter unset only for a manually isolated circuit, which this breaker never is.
            throw new SessionStoreUnavailableException(
                "PostgreSQL is unreachable and LiftSys.Sessions serves from memory meanwhile; this session or list lives in PostgreSQL.",
                ex.RetryAfter.GetValueOrDefault(breakDuration),
                ex);
        }
        // An outcome-unknown write passes through as it is: wrapped as "unavailable" it would let a create be repeated in
        // memory although PostgreSQL may have committed it (two sessions where the caller made one).
        catch (Exception ex) when (context.Properties.GetValue(ConfirmedOutage, false)
            && ex is not SessionStoreUnavailableException and not SessionWriteOutcomeUnknownException)
        {
            throw new SessionStoreUnavailableException(
                "PostgreSQL cannot be reached: the operation failed and a fresh connection could not be opened either.",
                breakDuration,
                ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<bool> IsConfirmedOutageAsync(Exception? exception, ResilienceContext context)
    {
        if (context.Properties.GetValue(ConfirmedOutage, false))
        {
            return true;
        }

        if (exception is null || !PostgresOutageClassifier.MayBeOutage(exception))
        {
            return false;
        }

        // Not the caller's token: a cancelled request must not decide whether the server is down.
        var confirmed = await probe.CheckAsync(CancellationToken.None).ConfigureAwait(false) is not null;
        context.Properties.Set(ConfirmedOutage, confirmed);
        return confirmed;
    }

    [LoggerMessage(
        EventId = 3001,
        Level = LogLevel.Critical,
        Message = "PostgreSQL is unreachable: LiftSys.Sessions creates new sessions in memory and refuses operations on sessions stored in PostgreSQL; it probes again in {BreakSeconds} s.")]
    private static partial void LogTripped(ILogger logger, double breakSeconds, Exception? exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Probing PostgreSQL: the next session operation opens a fresh connection first.")]
    private static partial void LogProbing(ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "PostgreSQL is reachable again: LiftSys.Sessions serves from it and writes back the sessions kept in memory.")]
    private static partial void LogRecovered(ILogger logger);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using LiftSys.Sessions.EfCore.DependencyInjection;

namespace LiftSys.Sessions.EfCore.Diagnostics;

/// <summary>
/// The instruments of the <c>LiftSys.Sessions</c> meter: the spec's business metrics (sessions created, finalized and
/// errored, session duration, holes resolved, drafts by validity, LLM cost and tokens) and the duration and errors of
/// every store operation; with the fallback to memory, its state and write-back.
/// </summary>
internal sealed class SessionsMetrics
{
    public SessionsMetrics(IMeterFactory meterFactory, SessionStorageState storage)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(storage);
        var meter = meterFactory.Create(SessionsTelemetry.MeterName);

        SessionsCreated = meter.CreateCounter<long>("liftsys.sessions.created", "{session}", "Sessions created, by source (prompt or code).");
        SessionsFinalized = meter.CreateCounter<long>("liftsys.sessions.finalized", "{session}", "Sessions finalized.");
        SessionsErrored = meter.CreateCounter<long>("liftsys.sessions.errored", "{session}", "Sessions marked as errored.");
        SessionDuration = meter.CreateHistogram<double>(
            "liftsys.sessions.duration", "s", "Time from a session's creation to its finalization.");
        HolesResolved = meter.CreateCounter<long>("liftsys.sessions.holes_resolved", "{hole}", "Typed holes resolved, by hole type and method.");
        Drafts = meter.CreateCounter<long>("liftsys.sessions.drafts", "{draft}", "Code drafts recorded, by syntax and AST validity.");
        LlmCost = meter.CreateCounter<double>("liftsys.sessions.llm.cost", "USD", "LLM cost of the drafts recorded.");
        LlmTokens = meter.CreateCounter<long>("liftsys.sessions.llm.tokens", "{token}", "LLM tokens used by the drafts recorded.");
        OperationDuration = meter.CreateHistogram<double>(
            "liftsys.sessions.operation.duration", "s", "Duration of session store operations, by operation and outcome.");
        OperationErrors = meter.CreateCounter<long>("liftsys.sessions.operation.errors", "{error}", "Failed session store operations, by operation and error type.");

        // Observed, not pushed: a scrape always sees the breaker's state now, also when no operation runs.
        meter.CreateObservableGauge(
            "liftsys.sessions.fallback.active", () => storage.FallbackActive ? 1 : 0, "{state}", "1 while PostgreSQL is unreachable and new sessions go to memory, else 0.");
        meter.CreateObservableGauge(
            "liftsys.sessions.fallback.pending", () => storage.PendingWriteBack(), "{session}", "Sessions kept in memory that PostgreSQL does not have yet.");
        meter.CreateObservableCounter(
            "liftsys.sessions.fallback.trips", () => storage.Trips, "{trip}", "Times the fallback's breaker tripped since the process started.");
        FallbackWriteBacks = meter.CreateCounter<long>(
            "liftsys.sessions.fallback.write_backs", "{session}", "Sessions kept in memory during an outage and written back to PostgreSQL, by outcome (written or failed).");
    }

    public Counter<long> SessionsCreated { get; }

    public Counter<long> SessionsFinalized { get; }

    public Counter<long> SessionsErrored { get; }

    public Histogram<double> SessionDuration { get; }

    public Counter<long> HolesResolved { get; }

    public Counter<long> Drafts { get; }

    public Counter<double> LlmCost { get; }

    public Counter<long> LlmTokens { get; }

    public Histogram<double> OperationDuration { get; }

    public Counter<long> OperationErrors { get; }

    public Counter<long> FallbackWriteBacks { get; }

    public void RecordWriteBack(bool written) =>
        FallbackWriteBacks.Add(1, new KeyValuePair<string, object?>("outcome", written ? "written" : "failed"));

    public void RecordOperation(string operation, string store, TimeSpan elapsed, Exception? error)
    {
        var tags = new TagList { { "operation", operation }, { "store", store } };
        if (error is not null)
        {
            tags.Add("error.type", error.GetType().Name);
            OperationErrors.Add(1, tags);
        }

        OperationDuration.Record(elapsed.TotalSeconds, tags);
    }
}

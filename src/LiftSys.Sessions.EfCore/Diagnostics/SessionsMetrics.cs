using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LiftSys.Sessions.EfCore.Diagnostics;

/// <summary>
/// The instruments of the <c>LiftSys.Sessions</c> meter: the spec's business metrics (sessions created, finalized and
/// errored, session duration, holes resolved, drafts by validity, LLM cost and tokens) and the duration and errors of
/// every store operation.
/// </summary>
internal sealed class SessionsMetrics
{
    public SessionsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
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

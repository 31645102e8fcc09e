using Microsoft.AspNetCore.Mvc;

namespace LiftSys.Sessions.SampleApi.Problems;

/// <summary>
/// The RFC 9457 problem details the API answers with, in one place so that a 404 from a read and a 404 from a write
/// (or a 400 from the library and one from the JSON reader) look the same to a client.
/// </summary>
internal static class SessionProblems
{
    private static readonly TimeSpan StoreOutcomeRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Extension member naming the request field that broke a rule (a column name, as the library reports it).</summary>
    public const string FieldExtension = "field";

    /// <summary>Extension member naming the broken rule, as the snake_case text of <see cref="ValidationRule"/>.</summary>
    public const string RuleExtension = "rule";

    /// <summary>Extension member with the seconds a client should wait before retrying (also sent as <c>Retry-After</c>).</summary>
    public const string RetryAfterExtension = "retry_after_seconds";

    public static ProblemDetails NotFound(Guid sessionId) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Session not found",

        // The same answer whether the session does not exist or belongs to someone else: existence does not leak.
        Detail = $"Session {sessionId} was not found.",
    };

    public static ProblemDetails RevisionNotFound(SessionRevisionNotFoundException exception) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "IR revision not found",
        Detail = exception.Message,
        Extensions = { [FieldExtension] = "ir_revision_id" },
    };

    public static ProblemDetails Invalid(string field, ValidationRule rule, string detail) =>
        new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid",
            Detail = detail,
            Extensions =
            {
                [FieldExtension] = field,
                [RuleExtension] = SessionEnumText.ToText(rule),
            },
        };

    public static ProblemDetails Invalid(SessionValidationException exception) =>
        exception.Rule == ValidationRule.StatusTransition
            ? StateConflict(exception)
            : Invalid(exception.Field, exception.Rule, exception.Message);

    public static ProblemDetails Conflict(string title, string detail) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Title = title,
        Detail = detail,
    };

    public static ProblemDetails Unauthorized(string? reason) => new()
    {
        Status = StatusCodes.Status401Unauthorized,
        Title = "Sign-in required",
        Detail = reason ?? "Send a user's access token: Authorization: Bearer <jwt>.",
    };

    public static ProblemDetails Forbidden() => new()
    {
        Status = StatusCodes.Status403Forbidden,
        Title = "Not allowed",
        Detail = "Only a signed-in user (role 'authenticated') may use this endpoint.",
    };

    // The store could not serve now (unreachable, busy, timed out); nothing was written, so the same request may be sent
    // again after Retry-After. The detail names the cause but no connection string or host.
    public static ProblemDetails Unavailable(string title, string detail, TimeSpan retryAfter) => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = title,
        Detail = detail,
        Extensions = { [RetryAfterExtension] = RetrySeconds(retryAfter) },
    };

    // The write may or may not be stored (never twice): a client must read before repeating it, so it is told so.
    public static ProblemDetails OutcomeUnknown(SessionWriteOutcomeUnknownException exception) => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "The outcome of the write is unknown",
        Detail = $"The store lost its connection while committing {exception.Operation}; read session {exception.SessionId} before repeating the request.",
        Extensions = { [RetryAfterExtension] = RetrySeconds(StoreOutcomeRetryAfter) },
    };

    /// <summary>Writes <paramref name="problem"/> with its status code through the host's <see cref="IProblemDetailsService"/>.</summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem, Exception? exception = null)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static long RetrySeconds(TimeSpan retryAfter) => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));

    // A finalized session taking a revision, finalizing twice: the request is well formed, the session's state says no.
    private static ProblemDetails StateConflict(SessionValidationException exception)
    {
        var problem = Conflict("The session's status does not allow this", exception.Message);
        problem.Extensions[FieldExtension] = exception.Field;
        problem.Extensions[RuleExtension] = SessionEnumText.ToText(exception.Rule);
        return problem;
    }
}

using System.Text.Json;
using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace LiftSys.Sessions.SampleApi.Problems;

/// <summary>
/// Turns the library's exceptions, and the request binder's, into problem details. Anything else is left to the
/// default handler: a bare 500 that shows no internals.
/// </summary>
internal sealed partial class SessionsExceptionHandler(ILogger<SessionsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            SessionValidationException e => SessionProblems.Invalid(e),
            SessionNotFoundException e => SessionProblems.NotFound(e.SessionId),
            SessionRevisionNotFoundException e => SessionProblems.RevisionNotFound(e),
            ConcurrencyConflictException e => SessionProblems.Conflict("The session changed since it was read", e.Message),
            DuplicateHoleResolutionException e => SessionProblems.Conflict("The hole is already resolved", e.Message),
            SessionAccessDeniedException e when e.ActorKind == SessionActorKind.Anonymous => SessionProblems.Unauthorized(null),
            SessionAccessDeniedException => SessionProblems.Forbidden(),
            BadHttpRequestException e => FromBadRequest(e),
            UnsafeLoginRoleException => LogUnsafeLogin(exception),
            SessionStoreUnavailableException e => SessionProblems.Unavailable("The session store is unavailable", e.Message, e.RetryAfter),
            SessionStoreTimeoutException e => SessionProblems.Unavailable("The session store timed out", e.Message, e.RetryAfter),
            SessionWriteOutcomeUnknownException e => SessionProblems.OutcomeUnknown(e),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        if (problem.Extensions.TryGetValue(SessionProblems.RetryAfterExtension, out var seconds))
        {
            httpContext.Response.Headers.RetryAfter = Convert.ToString(seconds, System.Globalization.CultureInfo.InvariantCulture);
        }

        await SessionProblems.WriteAsync(httpContext, problem, exception);
        return true;
    }

    // Minimal APIs throw this (ThrowOnBadRequest) for a body that is not JSON, not the expected shape, or missing.
    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException { Path: { } path })
        {
            var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return SessionProblems.Invalid(field, ValidationRule.JsonShape, $"The value of '{field}' does not have the expected type or form.");
        }

        if (exception.StatusCode != StatusCodes.Status400BadRequest)
        {
            return new ProblemDetails { Status = exception.StatusCode, Title = "The request cannot be processed", Detail = exception.Message };
        }

        return SessionProblems.Invalid("body", ValidationRule.Required, "The request body is missing or is not a JSON object.");
    }

    private ProblemDetails? LogUnsafeLogin(Exception exception)
    {
        // An operator's mistake, not the client's: log it loudly, answer with the default 500.
        LogRefusedLogin(logger, exception);
        return null;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Critical,
        Message = "The database login skips row-level security; LiftSys.Sessions refuses every user operation until the connection string names a safe login.")]
    private static partial void LogRefusedLogin(ILogger logger, Exception exception);
}

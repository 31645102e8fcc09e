using System.Globalization;
using LiftSys.Sessions.SampleApi.Authentication;
using LiftSys.Sessions.SampleApi.Contracts;
using LiftSys.Sessions.SampleApi.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiftSys.Sessions.SampleApi.Endpoints;

/// <summary>
/// The session endpoints of the spec. Who is acting is never a parameter: the store asks the actor accessor, which reads
/// the request's user, and PostgreSQL's row-level security does the rest — so a handler cannot forget a
/// <c>WHERE user_id = …</c>. Errors are thrown by the store and mapped by <see cref="SessionsExceptionHandler"/>.
/// </summary>
internal static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var sessions = endpoints.MapGroup("/api/sessions")
            .RequireAuthorization(SupabaseJwtDefaults.SignedInUserPolicy)
            .WithTags("Sessions");

        sessions.MapPost("/", CreateAsync).WithName("CreateSession");
        sessions.MapGet("/", ListAsync).WithName("ListSessions");
        sessions.MapGet("/{id:guid}", GetAsync).WithName("GetSession");
        sessions.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteSession");
        sessions.MapGet("/{id:guid}/timeline", GetTimelineAsync).WithName("GetSessionTimeline");
        sessions.MapPost("/{id:guid}/revisions", AppendRevisionAsync).WithName("AppendRevision");
        sessions.MapPost("/{id:guid}/drafts", AddDraftAsync).WithName("AddDraft");
        sessions.MapPost("/{id:guid}/holes/{holeId}/resolve", ResolveHoleAsync).WithName("ResolveHole");
        sessions.MapPost("/{id:guid}/finalize", FinalizeAsync).WithName("FinalizeSession");
        return endpoints;
    }

    private static async Task<Created<SessionResponse>> CreateAsync(CreateSessionRequest request, ISessionStore store, CancellationToken cancellationToken)
    {
        var options = new CreateSessionOptions { Metadata = request.Metadata };
        var session = (request.Prompt, request.Code) switch
        {
            ({ } prompt, null) => await store.CreateFromPromptAsync(prompt, options, cancellationToken),
            (null, { } code) => await store.CreateFromCodeAsync(code, options, cancellationToken),
            (null, null) => throw new SessionValidationException("prompt", ValidationRule.Required, "Give either 'prompt' (forward mode) or 'code' (reverse mode)."),
            _ => throw new SessionValidationException("code", ValidationRule.JsonShape, "Give either 'prompt' or 'code', not both."),
        };
        return TypedResults.Created($"/api/sessions/{session.Id}", SessionResponse.From(session));
    }

    private static async Task<Ok<SessionPageResponse>> ListAsync(
        ISessionStore store, string? offset, string? limit, string? status, CancellationToken cancellationToken)
    {
        var page = new PageRequest(ParseInt(offset, "offset", 0), ParseInt(limit, "limit", PageRequest.DefaultLimit));
        var result = status is null
            ? await store.ListActiveAsync(page, cancellationToken)
            : await store.ListByStatusAsync(ParseStatus(status), page, cancellationToken);
        return TypedResults.Ok(SessionPageResponse.From(result));
    }

    private static async Task<Results<Ok<SessionSnapshotResponse>, ProblemHttpResult>> GetAsync(Guid id, ISessionStore store, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetAsync(id, cancellationToken);
        return snapshot is null
            ? TypedResults.Problem(SessionProblems.NotFound(id))
            : TypedResults.Ok(SessionSnapshotResponse.From(snapshot));
    }

    private static async Task<NoContent> DeleteAsync(Guid id, ISessionStore store, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TimelineResponse>, ProblemHttpResult>> GetTimelineAsync(Guid id, ISessionStore store, CancellationToken cancellationToken)
    {
        // Every visible session has at least its creation event, so an empty timeline means "not yours or not there".
        var events = await store.GetTimelineAsync(id, cancellationToken);
        return events.Count == 0
            ? TypedResults.Problem(SessionProblems.NotFound(id))
            : TypedResults.Ok(TimelineResponse.From(id, events));
    }

    private static async Task<Created<RevisionResponse>> AppendRevisionAsync(
        Guid id, AppendRevisionRequest request, ISessionStore store, CancellationToken cancellationToken)
    {
        var revision = await store.AppendRevisionAsync(
            id,
            Required(request.Source, "source"),
            Required(request.IrContent, "ir_content"),
            new SessionRevisionDetails
            {
                ValidationResult = request.ValidationResult,
                ChangeSummary = request.ChangeSummary,
                Metadata = request.Metadata,
            },
            cancellationToken);
        return TypedResults.Created((string?)null, RevisionResponse.From(revision));
    }

    private static async Task<Created<DraftResponse>> AddDraftAsync(Guid id, AddDraftRequest request, ISessionStore store, CancellationToken cancellationToken)
    {
        var draft = await store.AddDraftAsync(
            id,
            Required(request.Source, "source"),
            request.CodeContent ?? throw Missing("code_content"),
            new SessionDraftDetails
            {
                IrRevisionId = request.IrRevisionId,
                Language = request.Language,
                SyntaxValid = request.SyntaxValid ?? false,
                AstValid = request.AstValid ?? false,
                ValidationErrors = request.ValidationErrors,
                GenerationTimeMs = request.GenerationTimeMs,
                ValidationTimeMs = request.ValidationTimeMs,
                LlmTokensUsed = request.LlmTokensUsed,
                LlmCostUsd = request.LlmCostUsd,
                Metadata = request.Metadata,
            },
            cancellationToken);
        return TypedResults.Created((string?)null, DraftResponse.From(draft));
    }

    private static async Task<Created<HoleResolutionResponse>> ResolveHoleAsync(
        Guid id, string holeId, ResolveHoleRequest request, ISessionStore store, CancellationToken cancellationToken)
    {
        var resolution = await store.ResolveHoleAsync(
            id,
            holeId,
            Required(request.HoleType, "hole_type"),
            Required(request.ResolutionMethod, "resolution_method"),
            Required(request.ResolvedValue, "resolved_value"),
            new HoleResolutionDetails
            {
                IrRevisionId = request.IrRevisionId,
                ConfidenceScore = request.ConfidenceScore,
                OriginalHoleData = request.OriginalHoleData,
                SuggestionsProvided = request.SuggestionsProvided,
                UserFeedback = request.UserFeedback,
                Metadata = request.Metadata,
            },
            cancellationToken);
        return TypedResults.Created((string?)null, HoleResolutionResponse.From(resolution));
    }

    private static async Task<Ok<SessionResponse>> FinalizeAsync(Guid id, ISessionStore store, CancellationToken cancellationToken)
    {
        var session = await store.FinalizeAsync(id, cancellationToken);
        return TypedResults.Ok(SessionResponse.From(session));
    }

    private static T Required<T>(T? value, string field)
        where T : struct => value ?? throw Missing(field);

    private static SessionValidationException Missing(string field) =>
        new(field, ValidationRule.Required, $"'{field}' is required.");

    // Query values are parsed here rather than by the binder, so a bad one is a 400 that names its field.
    private static int ParseInt(string? value, string field, int defaultValue)
    {
        if (value is null)
        {
            return defaultValue;
        }

        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new SessionValidationException(field, ValidationRule.Range, $"'{field}' must be a whole number; it was '{value}'.");
    }

    private static SessionStatus ParseStatus(string value) =>
        SessionEnumText.TryParse<SessionStatus>(value, out var status)
            ? status
            : throw new SessionValidationException(
                "status",
                ValidationRule.DefinedValue,
                $"'status' must be one of {string.Join(", ", SessionEnumText.AllTexts<SessionStatus>())}; it was '{value}'.");
}

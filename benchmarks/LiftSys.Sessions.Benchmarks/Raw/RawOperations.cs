using System.Globalization;
using System.Text.Json;
using LiftSys.Sessions.Security;
using Npgsql;
using NpgsqlTypes;
using static LiftSys.Sessions.Benchmarks.Raw.RawParameters;

namespace LiftSys.Sessions.Benchmarks.Raw;

/// <summary>
/// The hand-written baseline: plain Npgsql on its own <see cref="NpgsqlDataSource"/> over the same NOINHERIT app login,
/// with the library's guarantees — the login checked once per physical connection and the role and claims set before
/// anything else (row-level security on), one transaction per operation, and numbers allocated with the session row locked
/// (<c>FOR NO KEY UPDATE</c>) in a statement of its own before the read that numbers. It uses the domain's own factories,
/// so input is validated, ids generated and <c>changed_fields</c> computed exactly as the library does.
/// </summary>
/// <remarks>
/// What it does differently is only what hand-written code is free to do: the claims statement rides in the same batch as
/// the first statement; a read is one batch (one implicit transaction: Npgsql sends a single Sync); a write that must
/// compute between statements uses an explicit transaction and batches the lock with the read after it (each statement
/// of a batch takes its own snapshot under READ COMMITTED, so the read still sees every writer that held the lock).
/// </remarks>
internal sealed class RawOperations : IAsyncDisposable
{
    private const string GetSql = $"""
        SELECT {RawColumns.SessionSelect}, {RawColumns.RevisionSelect}, {RawColumns.DraftSelect}
        FROM sessions s
        LEFT JOIN LATERAL (SELECT * FROM session_revisions x WHERE x.session_id = s.id ORDER BY x.revision_number DESC LIMIT 1) r ON true
        LEFT JOIN LATERAL (SELECT * FROM session_drafts x WHERE x.session_id = s.id ORDER BY x.draft_number DESC LIMIT 1) d ON true
        WHERE s.id = $1
        """;

    private const string ListSql = $"""
        SELECT {RawColumns.Session} FROM sessions
        WHERE user_id = $1 AND status = $2
        ORDER BY updated_at DESC, id DESC
        LIMIT $3 OFFSET $4
        """;

    private const string LockSql = "SELECT status FROM sessions WHERE id = $1 FOR NO KEY UPDATE";

    private const string SummarySql = """
        SELECT id, user_id, status, source, revision_count, draft_count, hole_count, created_at, updated_at, finalized_at,
               latest_revision_number, latest_draft_number, latest_draft_valid, total_generation_time_ms, total_llm_cost_usd,
               total_llm_tokens_used, session_duration_seconds, time_to_finalization_seconds
        FROM session_summary
        """;

    private const string TimelineSql = """
        SELECT event_type, session_id, user_id, revision_id, draft_id, resolution_id, event_time, event_data
        FROM recent_activity
        """;

    private const string TimelineOrder = """
        ORDER BY event_time,
                 CASE event_type WHEN 'session_created' THEN 0 WHEN 'revision_created' THEN 1 WHEN 'draft_created' THEN 2 ELSE 3 END,
                 coalesce(draft_id, resolution_id, revision_id)
        """;

    private static readonly string ActiveText = SessionEnumText.ToText(SessionStatus.Active);

    // The session state machine's transitions into paused and active (Session.AllowedFrom, internal to the domain).
    private static readonly string[] PausedFrom = [ActiveText];

    private static readonly string[] ActiveFrom = [SessionEnumText.ToText(SessionStatus.Paused)];

    private readonly NpgsqlDataSource dataSource;

    private int commits;

    public RawOperations(string appConnectionString)
    {
        dataSource = ClaimsStatement.CheckLoginOnEveryPhysicalConnection(new NpgsqlDataSourceBuilder(appConnectionString)).Build();
    }

    /// <summary>Gets how many explicit transactions this baseline committed (Npgsql does not trace COMMIT).</summary>
    public int Commits => Volatile.Read(ref commits);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public async Task<(Guid Id, DateTimeOffset CreatedAt)> CreateSessionAsync(SessionActor actor, string prompt, JsonElement metadata)
    {
        var owner = actor.UserId ?? throw new InvalidOperationException("A user creates sessions for themselves.");
        var session = Session.StartFromPrompt(owner, prompt, metadata);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(
            """
            INSERT INTO sessions (id, user_id, status, source, original_input, current_ir, current_code, metadata, finalized_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            RETURNING created_at, updated_at
            """,
            Of(session.Id), Of(session.UserId), Of(SessionEnumText.ToText(session.Status)), Of(SessionEnumText.ToText(session.Source)),
            Of(session.OriginalInput), Json(session.CurrentIr), Text(session.CurrentCode), Json(session.Metadata),
            Nullable(session.FinalizedAt, NpgsqlDbType.TimestampTz)));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        await reader.ReadAsync();
        return (session.Id, reader.GetFieldValue<DateTimeOffset>(0));
    }

    public Task<RawSnapshot?> GetWithLatestAsync(SessionActor actor, Guid sessionId) => GetAsync(actor, GetSql, Of(sessionId));

    /// <summary>The same read with an explicit owner filter, for comparing <c>authenticated</c> with <c>service_role</c>.</summary>
    public Task<RawSnapshot?> GetWithLatestForOwnerAsync(SessionActor actor, Guid sessionId, Guid userId) =>
        GetAsync(actor, GetSql + " AND s.user_id = $2", Of(sessionId), Of(userId));

    public async Task<List<RawSession>> ListActiveAsync(SessionActor actor, Guid userId, int offset = 0, int limit = PageRequest.DefaultLimit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(ListSql, Of(userId), Of(ActiveText), Of(limit + 1), Of(offset)));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        var sessions = new List<RawSession>(limit + 1);
        while (await reader.ReadAsync())
        {
            sessions.Add(RawColumns.ReadSession(reader));
        }

        return sessions;
    }

    public async Task<RawRevision> AppendRevisionAsync(SessionActor actor, Guid sessionId, RevisionSource source, JsonElement irContent)
    {
        _ = SessionRevision.Create(Guid.AllBitsSet, 1, source, irContent);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        int number;
        JsonElement? previousIr;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(ClaimsStatement.Create(actor));
            batch.BatchCommands.Add(Command(LockSql, Of(sessionId)));
            batch.BatchCommands.Add(Command(
                "SELECT revision_number, ir_content FROM session_revisions WHERE session_id = $1 ORDER BY revision_number DESC LIMIT 1",
                Of(sessionId)));
            await using var reader = await batch.ExecuteReaderAsync();
            await ClaimsStatement.CheckAsync(reader);
            await EnsureTakesHistoryAsync(reader, sessionId);
            await reader.NextResultAsync();
            number = 0;
            previousIr = null;
            if (await reader.ReadAsync())
            {
                number = reader.GetInt32(0);
                previousIr = reader.GetFieldValue<JsonElement>(1);
            }
        }

        var revision = SessionRevision.Create(sessionId, number + 1, source, irContent, changedFields: IrDiff.ChangedFields(previousIr, irContent));
        return await InsertRevisionAsync(connection, transaction, revision);
    }

    /// <summary>
    /// The store's rollback: a new revision (source repair) carrying the IR of revision <paramref name="revisionNumber"/>,
    /// with the summary and metadata the store records; numbered, like an append, under the session row's lock.
    /// </summary>
    public async Task<RawRevision> RollbackToRevisionAsync(SessionActor actor, Guid sessionId, int revisionNumber)
    {
        if (revisionNumber < 1)
        {
            throw new SessionValidationException("revision_number", ValidationRule.Positive, $"revision_number must be greater than zero; it was {revisionNumber}.");
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        int number;
        JsonElement? latestIr;
        Guid targetId;
        JsonElement targetIr;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(ClaimsStatement.Create(actor));
            batch.BatchCommands.Add(Command(LockSql, Of(sessionId)));
            batch.BatchCommands.Add(Command(
                """
                SELECT l.revision_number, l.ir_content, t.id, t.ir_content
                FROM (SELECT 1) one
                LEFT JOIN LATERAL (SELECT revision_number, ir_content FROM session_revisions
                                   WHERE session_id = $1 ORDER BY revision_number DESC LIMIT 1) l ON true
                LEFT JOIN session_revisions t ON t.session_id = $1 AND t.revision_number = $2
                """,
                Of(sessionId), Of(revisionNumber)));
            await using var reader = await batch.ExecuteReaderAsync();
            await ClaimsStatement.CheckAsync(reader);
            await EnsureTakesHistoryAsync(reader, sessionId);
            await reader.NextResultAsync();
            await reader.ReadAsync();
            if (reader.IsDBNull(2))
            {
                throw new SessionRevisionNotFoundException(sessionId, revisionNumber);
            }

            number = reader.IsDBNull(0) ? 0 : reader.GetInt32(0);
            latestIr = RawColumns.Json(reader, 1);
            targetId = reader.GetGuid(2);
            targetIr = reader.GetFieldValue<JsonElement>(3);
        }

        var revision = SessionRevision.Create(
            sessionId, number + 1, RevisionSource.Repair, targetIr, validationResult: null, IrDiff.ChangedFields(latestIr, targetIr),
            RollbackSummary(revisionNumber), RollbackMetadata(revisionNumber, targetId));
        return await InsertRevisionAsync(connection, transaction, revision);
    }

    public async Task<Guid> AddDraftAsync(SessionActor actor, Guid sessionId, DraftSource source, string code, SessionDraftDetails details)
    {
        _ = SessionDraft.Create(Guid.AllBitsSet, 1, source, code, details);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        int number;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(ClaimsStatement.Create(actor));
            batch.BatchCommands.Add(Command(LockSql, Of(sessionId)));
            batch.BatchCommands.Add(Command(
                """
                SELECT (SELECT max(draft_number) FROM session_drafts WHERE session_id = $1),
                       $2::uuid IS NULL OR EXISTS (SELECT 1 FROM session_revisions WHERE session_id = $1 AND id = $2)
                """,
                Of(sessionId), Nullable(details.IrRevisionId, NpgsqlDbType.Uuid)));
            await using var reader = await batch.ExecuteReaderAsync();
            await ClaimsStatement.CheckAsync(reader);
            await EnsureTakesHistoryAsync(reader, sessionId);
            await reader.NextResultAsync();
            await reader.ReadAsync();
            number = reader.IsDBNull(0) ? 0 : reader.GetInt32(0);
            if (!reader.GetBoolean(1))
            {
                throw new SessionRevisionNotFoundException(sessionId, details.IrRevisionId!.Value);
            }
        }

        var draft = SessionDraft.Create(sessionId, number + 1, source, code, details);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(
                """
                INSERT INTO session_drafts (id, session_id, ir_revision_id, draft_number, source, code_content, language, syntax_valid, ast_valid,
                                            validation_errors, generation_time_ms, validation_time_ms, llm_tokens_used, llm_cost_usd, metadata)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                RETURNING created_at
                """,
                Of(draft.Id), Of(sessionId), Nullable(draft.IrRevisionId, NpgsqlDbType.Uuid), Of(draft.DraftNumber), Of(SessionEnumText.ToText(draft.Source)),
                Of(draft.CodeContent), Of(draft.Language), Of(draft.SyntaxValid), Of(draft.AstValid), Json(draft.ValidationErrors),
                Nullable(draft.GenerationTimeMs, NpgsqlDbType.Integer), Nullable(draft.ValidationTimeMs, NpgsqlDbType.Integer),
                Nullable(draft.LlmTokensUsed, NpgsqlDbType.Integer), Nullable(draft.LlmCostUsd, NpgsqlDbType.Numeric), Json(draft.Metadata)));
            batch.BatchCommands.Add(Command("UPDATE sessions SET current_code = $2 WHERE id = $1", Of(sessionId), Of(draft.CodeContent)));
            await batch.ExecuteNonQueryAsync();
        }

        await CommitAsync(transaction);
        return draft.Id;
    }

    public async Task<Guid> ResolveHoleAsync(
        SessionActor actor, Guid sessionId, string holeId, HoleType holeType, ResolutionMethod method, JsonElement value, HoleResolutionDetails details)
    {
        var resolution = HoleResolution.Create(sessionId, holeId, holeType, method, value, details);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(ClaimsStatement.Create(actor));
            batch.BatchCommands.Add(Command(LockSql, Of(sessionId)));
            batch.BatchCommands.Add(Command(
                "SELECT $2::uuid IS NULL OR EXISTS (SELECT 1 FROM session_revisions WHERE session_id = $1 AND id = $2)",
                Of(sessionId), Nullable(details.IrRevisionId, NpgsqlDbType.Uuid)));
            await using var reader = await batch.ExecuteReaderAsync();
            await ClaimsStatement.CheckAsync(reader);
            await EnsureTakesHistoryAsync(reader, sessionId);
            await reader.NextResultAsync();
            await reader.ReadAsync();
            if (!reader.GetBoolean(0))
            {
                throw new SessionRevisionNotFoundException(sessionId, details.IrRevisionId!.Value);
            }
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(
                """
                INSERT INTO hole_resolutions (id, session_id, ir_revision_id, hole_id, hole_type, resolution_method, resolved_value, confidence_score,
                                              original_hole_data, suggestions_provided, user_feedback, metadata)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                RETURNING created_at
                """,
                Of(resolution.Id), Of(sessionId), Nullable(resolution.IrRevisionId, NpgsqlDbType.Uuid), Of(resolution.HoleId),
                Of(SessionEnumText.ToText(resolution.HoleType)), Of(SessionEnumText.ToText(resolution.ResolutionMethod)), Json(resolution.ResolvedValue),
                Nullable(resolution.ConfidenceScore, NpgsqlDbType.Numeric), Json(resolution.OriginalHoleData), Json(resolution.SuggestionsProvided),
                Text(resolution.UserFeedback), Json(resolution.Metadata)));
            await batch.ExecuteNonQueryAsync();
        }

        await CommitAsync(transaction);
        return resolution.Id;
    }

    /// <summary>The store's update: optimistic concurrency on <c>updated_at</c>, every editable column sent, the row returned.</summary>
    public async Task<RawSession> UpdateAsync(SessionActor actor, RawSession session)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(
            $"""
            UPDATE sessions SET status = $3, finalized_at = $4, current_ir = $5, current_code = $6, metadata = $7
            WHERE id = $1 AND updated_at = $2
            RETURNING {RawColumns.Session}
            """,
            Of(session.Id), Of(session.UpdatedAt), Of(SessionEnumText.ToText(session.Status)), Nullable(session.FinalizedAt, NpgsqlDbType.TimestampTz),
            Json(session.CurrentIr), Text(session.CurrentCode), Json(session.Metadata)));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        return await reader.ReadAsync()
            ? RawColumns.ReadSession(reader)
            : throw new ConcurrencyConflictException(session.Id, session.UpdatedAt, null);
    }

    /// <summary>
    /// The store's pause and resume: one statement that checks the transition itself (the session must be in a status
    /// the target may be reached from) and returns the row; nothing changed means not found or not allowed.
    /// </summary>
    public async Task<RawSession> ChangeStatusAsync(SessionActor actor, Guid sessionId, SessionStatus target)
    {
        var allowedFrom = target switch
        {
            SessionStatus.Paused => PausedFrom,
            SessionStatus.Active => ActiveFrom,
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "The benchmark pauses and resumes only."),
        };
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(
            $"""
            UPDATE sessions SET status = $2
            WHERE id = $1 AND status = ANY($3)
            RETURNING {RawColumns.Session}
            """,
            Of(sessionId), Of(SessionEnumText.ToText(target)), Of(allowedFrom)));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        return await reader.ReadAsync()
            ? RawColumns.ReadSession(reader)
            : throw new SessionValidationException("status", ValidationRule.StatusTransition, $"Session {sessionId} cannot become {target}.");
    }

    public Task<RawSessionSummary?> SessionSummaryAsync(SessionActor actor, Guid sessionId) =>
        SummaryAsync(actor, SummarySql + " WHERE id = $1", Of(sessionId));

    public Task<RawSessionSummary?> SessionSummaryForOwnerAsync(SessionActor actor, Guid sessionId, Guid userId) =>
        SummaryAsync(actor, SummarySql + " WHERE id = $1 AND user_id = $2", Of(sessionId), Of(userId));

    public async Task<(decimal CostUsd, long Tokens, long Sessions)> UserUsageAsync(SessionActor actor, Guid userId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(
            "SELECT total_llm_cost_usd, total_llm_tokens_used, total_sessions FROM user_analytics WHERE user_id = $1", Of(userId)));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        return await reader.ReadAsync() ? (reader.GetDecimal(0), reader.GetInt64(1), reader.GetInt64(2)) : (0m, 0, 0);
    }

    public async Task<(decimal? Average, long Attempts, long FullyValid)> ValidationSuccessRateAsync(SessionActor actor, Guid userId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(
            "SELECT round(avg(fully_valid_percent), 2), coalesce(sum(total_drafts), 0)::bigint, coalesce(sum(fully_valid_count), 0)::bigint FROM draft_validation_stats WHERE user_id = $1",
            Of(userId)));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        await reader.ReadAsync();
        return (RawColumns.NullableDecimal(reader, 0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public Task<List<RawActivity>> ActivityTimelineAsync(SessionActor actor, Guid sessionId) =>
        TimelineAsync(actor, $"{TimelineSql} WHERE session_id = $1 {TimelineOrder}", Of(sessionId));

    public Task<List<RawActivity>> ActivityTimelineForOwnerAsync(SessionActor actor, Guid sessionId, Guid userId) =>
        TimelineAsync(actor, $"{TimelineSql} WHERE session_id = $1 AND user_id = $2 {TimelineOrder}", Of(sessionId), Of(userId));

    private async Task<RawRevision> InsertRevisionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SessionRevision revision)
    {
        var sessionId = revision.SessionId;
        DateTimeOffset createdAt;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(
                """
                INSERT INTO session_revisions (id, session_id, revision_number, source, ir_content, validation_result, changed_fields, change_summary, metadata)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                RETURNING created_at
                """,
                Of(revision.Id), Of(sessionId), Of(revision.RevisionNumber), Of(SessionEnumText.ToText(revision.Source)), Json(revision.IrContent),
                Json(revision.ValidationResult), Of(revision.ChangedFields?.ToArray() ?? []), Text(revision.ChangeSummary), Json(revision.Metadata)));
            batch.BatchCommands.Add(Command("UPDATE sessions SET current_ir = $2 WHERE id = $1", Of(sessionId), Json(revision.IrContent)));
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.ReadAsync();
            createdAt = reader.GetFieldValue<DateTimeOffset>(0);
        }

        await CommitAsync(transaction);
        return new RawRevision(
            revision.Id, sessionId, revision.RevisionNumber, revision.Source, revision.IrContent, revision.ValidationResult,
            revision.ChangedFields?.ToArray(), revision.ChangeSummary, revision.Metadata, createdAt);
    }

    // What the store records for a rollback (RevisionRollback, internal to the domain), written the same way.
    private static string RollbackSummary(int revisionNumber) => string.Create(CultureInfo.InvariantCulture, $"Rolled back to revision {revisionNumber}.");

    private static JsonElement RollbackMetadata(int revisionNumber, Guid revisionId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("rolled_back_to_revision", revisionNumber);
            writer.WriteString("rolled_back_to_revision_id", revisionId);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private async Task CommitAsync(NpgsqlTransaction transaction)
    {
        await transaction.CommitAsync();
        Interlocked.Increment(ref commits);
    }

    private static async Task EnsureTakesHistoryAsync(NpgsqlDataReader reader, Guid sessionId)
    {
        if (!await reader.ReadAsync())
        {
            throw new SessionNotFoundException(sessionId);
        }

        if (SessionEnumText.Parse<SessionStatus>(reader.GetString(0)) == SessionStatus.Finalized)
        {
            throw new SessionValidationException("status", ValidationRule.StatusTransition, $"Session {sessionId} is finalized.");
        }
    }

    private async Task<RawSnapshot?> GetAsync(SessionActor actor, string sql, params NpgsqlParameter[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(sql, parameters));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new RawSnapshot(
            RawColumns.ReadSession(reader),
            RawColumns.ReadRevision(reader, RawColumns.SessionCount),
            RawColumns.ReadDraft(reader, RawColumns.SessionCount + RawColumns.RevisionCount));
    }

    private async Task<RawSessionSummary?> SummaryAsync(SessionActor actor, string sql, params NpgsqlParameter[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(sql, parameters));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new RawSessionSummary(
            reader.GetGuid(0), reader.GetGuid(1), SessionEnumText.Parse<SessionStatus>(reader.GetString(2)),
            SessionEnumText.Parse<SessionSource>(reader.GetString(3)), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6),
            reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), RawColumns.NullableInt(reader, 10),
            RawColumns.NullableInt(reader, 11), reader.IsDBNull(12) ? null : reader.GetBoolean(12), reader.GetInt64(13), reader.GetDecimal(14),
            reader.GetInt64(15), reader.GetDecimal(16), RawColumns.NullableDecimal(reader, 17));
    }

    private async Task<List<RawActivity>> TimelineAsync(SessionActor actor, string sql, params NpgsqlParameter[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ClaimsStatement.Create(actor));
        batch.BatchCommands.Add(Command(sql, parameters));
        await using var reader = await batch.ExecuteReaderAsync();
        await ClaimsStatement.CheckAsync(reader);
        var events = new List<RawActivity>();
        while (await reader.ReadAsync())
        {
            events.Add(new RawActivity(
                reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.IsDBNull(5) ? null : reader.GetGuid(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<JsonElement>(7)));
        }

        return events;
    }
}

using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.Store.Fallback;

/// <summary>
/// Writes a session the fallback kept in memory to PostgreSQL with the ids, owner, numbers and content it has there:
/// the session's status, current IR and code, metadata and finalized time, and every revision, draft and hole resolution.
/// Each session is one transaction, run under its owner's identity so row-level security applies as for any write.
/// </summary>
/// <remarks>
/// <para>
/// Idempotent: every row is inserted <c>ON CONFLICT (id) DO NOTHING</c> and the session's editable columns are then set
/// to memory's, so a write-back interrupted halfway (or repeated after the session changed in memory) completes what
/// is missing and duplicates nothing. The counters are the triggers', computed from the rows.
/// </para>
/// <para>
/// <c>created_at</c> and <c>updated_at</c> belong to the database (the <c>authenticated</c> role may not write them):
/// rows written back carry the time of the write-back, not of the outage. Revisions and drafts keep their order through
/// their numbers; hole resolutions written back together share one <c>created_at</c>. <c>finalized_at</c> is memory's.
/// </para>
/// </remarks>
internal sealed class FallbackWriteBack(IDbContextFactory<SessionsDbContext> contexts)
{
    /// <summary>The reason every write-back names in its actor scope.</summary>
    public const string ScopeReason = "fallback write-back";

    /// <summary>Writes <paramref name="history"/> to PostgreSQL, completing whatever an earlier attempt left out.</summary>
    /// <exception cref="FallbackWriteBackConflictException">PostgreSQL holds a session with this id that the owner cannot see.</exception>
    public async Task WriteAsync(SessionHistory history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        var session = history.Session;
        using var scope = SessionActorScope.Begin(SessionActor.ForUser(session.UserId), ScopeReason);
        await RunInTransactionAsync(
            async context =>
            {
                await context.Database.ExecuteSqlAsync(
                    $"""
                    INSERT INTO sessions (id, user_id, status, source, original_input, current_ir, current_code, metadata, finalized_at)
                    VALUES ({session.Id}, {session.UserId}, {SessionEnumText.ToText(session.Status)}, {SessionEnumText.ToText(session.Source)},
                            {session.OriginalInput}, {session.CurrentIr}, {session.CurrentCode}, {session.Metadata}, {session.FinalizedAt})
                    ON CONFLICT (id) DO NOTHING
                    """,
                    cancellationToken).ConfigureAwait(false);

                // Row-level security hides another user's row: then nothing is updated, and the id is somebody else's.
                var updated = await context.Database.ExecuteSqlAsync(
                    $"""
                    UPDATE sessions
                    SET status = {SessionEnumText.ToText(session.Status)}, current_ir = {session.CurrentIr},
                        current_code = {session.CurrentCode}, metadata = {session.Metadata}, finalized_at = {session.FinalizedAt}
                    WHERE id = {session.Id} AND user_id = {session.UserId}
                    """,
                    cancellationToken).ConfigureAwait(false);
                if (updated != 1)
                {
                    throw new FallbackWriteBackConflictException(session.Id);
                }

                foreach (var r in history.Revisions)
                {
                    await context.Database.ExecuteSqlAsync(
                        $"""
                        INSERT INTO session_revisions (id, session_id, revision_number, source, ir_content, validation_result, changed_fields, change_summary, metadata)
                        VALUES ({r.Id}, {r.SessionId}, {r.RevisionNumber}, {SessionEnumText.ToText(r.Source)}, {r.IrContent}, {r.ValidationResult},
                                {r.ChangedFields?.ToArray()}, {r.ChangeSummary}, {r.Metadata})
                        ON CONFLICT (id) DO NOTHING
                        """,
                        cancellationToken).ConfigureAwait(false);
                }

                foreach (var d in history.Drafts)
                {
                    await context.Database.ExecuteSqlAsync(
                        $"""
                        INSERT INTO session_drafts (id, session_id, ir_revision_id, draft_number, source, code_content, language, syntax_valid, ast_valid,
                                                    validation_errors, generation_time_ms, validation_time_ms, llm_tokens_used, llm_cost_usd, metadata)
                        VALUES ({d.Id}, {d.SessionId}, {d.IrRevisionId}, {d.DraftNumber}, {SessionEnumText.ToText(d.Source)}, {d.CodeContent}, {d.Language},
                                {d.SyntaxValid}, {d.AstValid}, {d.ValidationErrors}, {d.GenerationTimeMs}, {d.ValidationTimeMs}, {d.LlmTokensUsed},
                                {d.LlmCostUsd}, {d.Metadata})
                        ON CONFLICT (id) DO NOTHING
                        """,
                        cancellationToken).ConfigureAwait(false);
                }

                foreach (var h in history.HoleResolutions)
                {
                    await context.Database.ExecuteSqlAsync(
                        $"""
                        INSERT INTO hole_resolutions (id, session_id, ir_revision_id, hole_id, hole_type, resolution_method, resolved_value, confidence_score,
                                                      original_hole_data, suggestions_provided, user_feedback, metadata)
                        VALUES ({h.Id}, {h.SessionId}, {h.IrRevisionId}, {h.HoleId}, {SessionEnumText.ToText(h.HoleType)},
                                {SessionEnumText.ToText(h.ResolutionMethod)}, {h.ResolvedValue}, {h.ConfidenceScore}, {h.OriginalHoleData},
                                {h.SuggestionsProvided}, {h.UserFeedback}, {h.Metadata})
                        ON CONFLICT (id) DO NOTHING
                        """,
                        cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a session that was deleted in memory after an earlier write-back may have reached PostgreSQL; nothing
    /// happens when PostgreSQL never had it.
    /// </summary>
    public async Task DeleteAsync(Guid sessionId, Guid ownerId, CancellationToken cancellationToken)
    {
        using var scope = SessionActorScope.Begin(SessionActor.ForUser(ownerId), ScopeReason);
        await RunInTransactionAsync(
            context => context.Database.ExecuteSqlAsync($"DELETE FROM sessions WHERE id = {sessionId}", cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task RunInTransactionAsync(Func<SessionsDbContext, Task> work, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            // Every statement is idempotent, so the execution strategy may repeat the whole transaction safely.
            await context.Database.CreateExecutionStrategy().ExecuteAsync(
                async ct =>
                {
                    context.Database.AutoSavepointsEnabled = false;
                    var transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await work(context).ConfigureAwait(false);
                        await transaction.CommitAsync(ct).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
    }
}

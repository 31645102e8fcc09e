using System.Text.Json;
using LiftSys.Sessions.EfCore;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.Benchmarks.Library;

/// <summary>
/// Fixes proposed for <c>EfCoreSessionStore</c> (see docs/benchmarks.md), tried here against the library's own context
/// factory (so the claims interceptor, the pool and the model are the library's) without changing <c>src/</c>.
/// </summary>
internal sealed class ProposedLibraryOperations(LibraryHost host)
{
    // The same query as GetWithLatestAsync, compiled once: EF skips the expression-tree lookup in its query cache.
    private static readonly Func<SessionsDbContext, Guid, Task<SessionSnapshot?>> CompiledGet = EF.CompileAsyncQuery(
        (SessionsDbContext context, Guid sessionId) => context.Sessions.AsNoTracking()
            .Where(s => s.Id == sessionId)
            .Select(s => new SessionSnapshot(
                s,
                context.Revisions.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.RevisionNumber).FirstOrDefault(),
                context.Drafts.Where(d => d.SessionId == sessionId).OrderByDescending(d => d.DraftNumber).FirstOrDefault()))
            .SingleOrDefault());

    /// <summary>
    /// <c>GetAsync</c> with two changes: the latest revision and draft are filtered on the <em>parameter</em>
    /// (<c>r.SessionId == sessionId</c>, not <c>r.SessionId == s.Id</c>), so EF's <c>ROW_NUMBER()</c> sub-query reads one
    /// session's rows through the index instead of numbering the whole table; and no explicit transaction around the
    /// single statement (one snapshot anyway), which saves the COMMIT round trip under <c>ClaimsScope.Connection</c>.
    /// </summary>
    public async Task<SessionSnapshot?> GetWithLatestAsync(SessionActor actor, Guid sessionId)
    {
        host.Actors.Current = actor;
        var context = await host.Contexts.CreateDbContextAsync();
        await using (context)
        {
            var row = await context.Sessions.AsNoTracking()
                .Where(s => s.Id == sessionId)
                .Select(s => new
                {
                    Session = s,
                    Revision = context.Revisions.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.RevisionNumber).FirstOrDefault(),
                    Draft = context.Drafts.Where(d => d.SessionId == sessionId).OrderByDescending(d => d.DraftNumber).FirstOrDefault(),
                })
                .SingleOrDefaultAsync();
            return row is null ? null : new SessionSnapshot(row.Session, row.Revision, row.Draft);
        }
    }

    /// <summary><see cref="GetWithLatestAsync"/> as a compiled query (<c>EF.CompileAsyncQuery</c>).</summary>
    public async Task<SessionSnapshot?> GetWithLatestCompiledAsync(SessionActor actor, Guid sessionId)
    {
        host.Actors.Current = actor;
        var context = await host.Contexts.CreateDbContextAsync();
        await using (context)
        {
            return await CompiledGet(context, sessionId);
        }
    }

    /// <summary>
    /// <c>AppendRevisionAsync</c> exactly as the store runs it (transaction, lock in its own statement, read, one
    /// SaveChanges batch, commit) except that the latest revision is filtered on the parameter.
    /// </summary>
    public async Task<SessionRevision> AppendRevisionAsync(SessionActor actor, Guid sessionId, RevisionSource source, JsonElement irContent)
    {
        host.Actors.Current = actor;
        _ = SessionRevision.Create(Guid.AllBitsSet, 1, source, irContent);
        var context = await host.Contexts.CreateDbContextAsync();
        await using (context)
        {
            return await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                context.ChangeTracker.Clear();
                context.Database.AutoSavepointsEnabled = false;
                await using var transaction = await context.Database.BeginTransactionAsync();
                var locked = await context.Database
                    .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM sessions WHERE id = {sessionId} FOR NO KEY UPDATE")
                    .ToListAsync();
                if (locked.Count == 0)
                {
                    throw new SessionNotFoundException(sessionId);
                }

                var row = await context.Sessions.Where(s => s.Id == sessionId)
                    .Select(s => new
                    {
                        Session = s,
                        Latest = context.Revisions.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.RevisionNumber).FirstOrDefault(),
                    })
                    .SingleAsync();
                var revision = SessionRevision.Create(
                    sessionId, (row.Latest?.RevisionNumber ?? 0) + 1, source, irContent,
                    changedFields: IrDiff.ChangedFields(row.Latest?.IrContent, irContent));
                row.Session.SetCurrentIr(revision.IrContent);
                context.Revisions.Add(revision);
                await context.SaveChangesAsync();
                await transaction.CommitAsync();
                return revision;
            });
        }
    }
}

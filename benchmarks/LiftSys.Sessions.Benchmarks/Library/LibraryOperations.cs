using System.Text.Json;
using LiftSys.Sessions.EfCore.ReadModels;
using LiftSys.Sessions.Security;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.Benchmarks.Library;

/// <summary>
/// The operations through the library's public API, as an application calls them: the store for sessions and their
/// history, the context factory and the read-model queries for the analytics views. The actor is set the way a host's
/// accessor would report it for the request.
/// </summary>
internal sealed class LibraryOperations(LibraryHost host)
{
    public BenchmarkActorAccessor Actors => host.Actors;

    public Task<Session> CreateSessionAsync(SessionActor actor, string prompt, JsonElement metadata)
    {
        host.Actors.Current = actor;
        return host.Store.CreateFromPromptAsync(prompt, new CreateSessionOptions { Metadata = metadata });
    }

    public Task<SessionSnapshot?> GetWithLatestAsync(SessionActor actor, Guid sessionId)
    {
        host.Actors.Current = actor;
        return host.Store.GetAsync(sessionId);
    }

    public Task<Page<Session>> ListActiveAsync(SessionActor actor)
    {
        host.Actors.Current = actor;
        return host.Store.ListActiveAsync(PageRequest.First());
    }

    public Task<SessionRevision> AppendRevisionAsync(SessionActor actor, Guid sessionId, RevisionSource source, JsonElement irContent)
    {
        host.Actors.Current = actor;
        return host.Store.AppendRevisionAsync(sessionId, source, irContent);
    }

    public Task<SessionDraft> AddDraftAsync(SessionActor actor, Guid sessionId, DraftSource source, string code, SessionDraftDetails details)
    {
        host.Actors.Current = actor;
        return host.Store.AddDraftAsync(sessionId, source, code, details);
    }

    public Task<HoleResolution> ResolveHoleAsync(
        SessionActor actor, Guid sessionId, string holeId, HoleType holeType, ResolutionMethod method, JsonElement value, HoleResolutionDetails details)
    {
        host.Actors.Current = actor;
        return host.Store.ResolveHoleAsync(sessionId, holeId, holeType, method, value, details);
    }

    public Task<Session> UpdateAsync(SessionActor actor, Session session)
    {
        host.Actors.Current = actor;
        return host.Store.UpdateAsync(session);
    }

    public Task<SessionRevision> RollbackToRevisionAsync(SessionActor actor, Guid sessionId, int revisionNumber)
    {
        host.Actors.Current = actor;
        return host.Store.RollbackToRevisionAsync(sessionId, revisionNumber);
    }

    public Task<Session> PauseAsync(SessionActor actor, Guid sessionId)
    {
        host.Actors.Current = actor;
        return host.Store.PauseAsync(sessionId);
    }

    public Task<Session> ResumeAsync(SessionActor actor, Guid sessionId)
    {
        host.Actors.Current = actor;
        return host.Store.ResumeAsync(sessionId);
    }

    public async Task<SessionSummary?> SessionSummaryAsync(SessionActor actor, Guid sessionId)
    {
        host.Actors.Current = actor;
        await using var context = await host.Contexts.CreateDbContextAsync();
        return await context.SessionSummaries.Where(s => s.Id == sessionId).SingleOrDefaultAsync();
    }

    public async Task<UserUsage> UserUsageAsync(SessionActor actor, Guid userId)
    {
        host.Actors.Current = actor;
        await using var context = await host.Contexts.CreateDbContextAsync();
        return await context.GetUsageAsync(userId);
    }

    public async Task<ValidationSuccessRate> ValidationSuccessRateAsync(SessionActor actor, Guid userId)
    {
        host.Actors.Current = actor;
        await using var context = await host.Contexts.CreateDbContextAsync();
        return await context.GetValidationSuccessRateAsync(userId);
    }

    public async Task<List<RecentActivity>> ActivityTimelineAsync(SessionActor actor, Guid sessionId)
    {
        host.Actors.Current = actor;
        await using var context = await host.Contexts.CreateDbContextAsync();
        return await context.QueryActivityTimeline(sessionId).ToListAsync();
    }
}

using LiftSys.Sessions.EfCore.EntityConfigurations;
using LiftSys.Sessions.EfCore.ReadModels;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore;

/// <summary>
/// The EF Core context over the four tables of schema v1: <c>sessions</c>, <c>session_revisions</c>,
/// <c>session_drafts</c> and <c>hole_resolutions</c>, and its four analytics views, read as keyless read models
/// (<see cref="SessionSummaries"/>, <see cref="UserAnalytics"/>, <see cref="RecentActivities"/>,
/// <see cref="DraftValidationStats"/>).
/// </summary>
/// <remarks>
/// Configure it with <c>UseNpgsql(…, o =&gt; o.UseLiftSysSessionsMigrations())</c> so migrations are recorded in
/// <see cref="MigrationsHistoryTable"/> rather than in a host's own <c>__EFMigrationsHistory</c>.
/// </remarks>
/// <param name="options">The options for this context.</param>
public class SessionsDbContext(DbContextOptions<SessionsDbContext> options) : DbContext(options)
{
    /// <summary>The table in which the library records which of its migrations a database has applied.</summary>
    public const string MigrationsHistoryTable = "__liftsys_sessions_migrations";

    /// <summary>Gets the sessions (<c>sessions</c>).</summary>
    public DbSet<Session> Sessions => Set<Session>();

    /// <summary>Gets the IR revisions (<c>session_revisions</c>).</summary>
    public DbSet<SessionRevision> Revisions => Set<SessionRevision>();

    /// <summary>Gets the code drafts (<c>session_drafts</c>).</summary>
    public DbSet<SessionDraft> Drafts => Set<SessionDraft>();

    /// <summary>Gets the typed-hole resolutions (<c>hole_resolutions</c>).</summary>
    public DbSet<HoleResolution> HoleResolutions => Set<HoleResolution>();

    /// <summary>Gets the rows of the <c>session_summary</c> view (read-only, never tracked).</summary>
    public IQueryable<SessionSummary> SessionSummaries => Set<SessionSummary>().AsNoTracking();

    /// <summary>Gets the rows of the <c>user_analytics</c> view (read-only, never tracked).</summary>
    public IQueryable<UserAnalytics> UserAnalytics => Set<UserAnalytics>().AsNoTracking();

    /// <summary>Gets the rows of the <c>recent_activity</c> view (read-only, never tracked).</summary>
    public IQueryable<RecentActivity> RecentActivities => Set<RecentActivity>().AsNoTracking();

    /// <summary>Gets the rows of the <c>draft_validation_stats</c> view (read-only, never tracked).</summary>
    public IQueryable<DraftValidationStats> DraftValidationStats => Set<DraftValidationStats>().AsNoTracking();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new SessionEntityTypeConfiguration());
        modelBuilder.ApplyConfiguration(new SessionRevisionEntityTypeConfiguration());
        modelBuilder.ApplyConfiguration(new SessionDraftEntityTypeConfiguration());
        modelBuilder.ApplyConfiguration(new HoleResolutionEntityTypeConfiguration());
        modelBuilder.ApplyConfiguration(new SessionSummaryEntityTypeConfiguration());
        modelBuilder.ApplyConfiguration(new UserAnalyticsEntityTypeConfiguration());
        modelBuilder.ApplyConfiguration(new RecentActivityEntityTypeConfiguration());
        modelBuilder.ApplyConfiguration(new DraftValidationStatsEntityTypeConfiguration());
    }
}

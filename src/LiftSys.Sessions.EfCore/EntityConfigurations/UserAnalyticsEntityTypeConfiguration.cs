using LiftSys.Sessions.EfCore.ReadModels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>Maps <see cref="UserAnalytics"/> to the <c>user_analytics</c> view of migration 007 (keyless, read-only).</summary>
internal sealed class UserAnalyticsEntityTypeConfiguration : IEntityTypeConfiguration<UserAnalytics>
{
    public void Configure(EntityTypeBuilder<UserAnalytics> builder)
    {
        builder.ToView("user_analytics");
        builder.HasNoKey();

        builder.Property(u => u.UserId).HasColumnName("user_id").HasColumnType("uuid");
        builder.Property(u => u.TotalSessions).HasColumnName("total_sessions").HasColumnType("bigint");
        builder.Property(u => u.FinalizedSessions).HasColumnName("finalized_sessions").HasColumnType("bigint");
        builder.Property(u => u.ActiveSessions).HasColumnName("active_sessions").HasColumnType("bigint");
        builder.Property(u => u.PausedSessions).HasColumnName("paused_sessions").HasColumnType("bigint");
        builder.Property(u => u.ErrorSessions).HasColumnName("error_sessions").HasColumnType("bigint");
        builder.Property(u => u.TotalRevisions).HasColumnName("total_revisions").HasColumnType("bigint");
        builder.Property(u => u.TotalDrafts).HasColumnName("total_drafts").HasColumnType("bigint");
        builder.Property(u => u.AvgRevisionsPerSession).HasColumnName("avg_revisions_per_session").HasColumnType("numeric");
        builder.Property(u => u.AvgDraftsPerSession).HasColumnName("avg_drafts_per_session").HasColumnType("numeric");
        builder.Property(u => u.FirstSessionAt).HasColumnName("first_session_at").HasColumnType("timestamp with time zone");
        builder.Property(u => u.LastSessionAt).HasColumnName("last_session_at").HasColumnType("timestamp with time zone");
        builder.Property(u => u.TotalLlmCostUsd).HasColumnName("total_llm_cost_usd").HasColumnType("numeric");
        builder.Property(u => u.TotalLlmTokensUsed).HasColumnName("total_llm_tokens_used").HasColumnType("bigint");
        builder.Property(u => u.AvgTimeToFinalizationSeconds).HasColumnName("avg_time_to_finalization_seconds").HasColumnType("numeric");
    }
}

using LiftSys.Sessions.EfCore.ReadModels;
using LiftSys.Sessions.EfCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>Maps <see cref="SessionSummary"/> to the <c>session_summary</c> view of migration 007 (keyless, read-only).</summary>
internal sealed class SessionSummaryEntityTypeConfiguration : IEntityTypeConfiguration<SessionSummary>
{
    public void Configure(EntityTypeBuilder<SessionSummary> builder)
    {
        builder.ToView("session_summary");
        builder.HasNoKey();

        builder.Property(s => s.Id).HasColumnName("id").HasColumnType("uuid");
        builder.Property(s => s.UserId).HasColumnName("user_id").HasColumnType("uuid");
        builder.Property(s => s.Status).HasColumnName("status").IsEnumText();
        builder.Property(s => s.Source).HasColumnName("source").IsEnumText();
        builder.Property(s => s.RevisionCount).HasColumnName("revision_count").HasColumnType("integer");
        builder.Property(s => s.DraftCount).HasColumnName("draft_count").HasColumnType("integer");
        builder.Property(s => s.HoleCount).HasColumnName("hole_count").HasColumnType("integer");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone");
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at").HasColumnType("timestamp with time zone");
        builder.Property(s => s.FinalizedAt).HasColumnName("finalized_at").HasColumnType("timestamp with time zone");
        builder.Property(s => s.LatestRevisionNumber).HasColumnName("latest_revision_number").HasColumnType("integer");
        builder.Property(s => s.LatestDraftNumber).HasColumnName("latest_draft_number").HasColumnType("integer");
        builder.Property(s => s.LatestDraftValid).HasColumnName("latest_draft_valid").HasColumnType("boolean");
        builder.Property(s => s.TotalGenerationTimeMs).HasColumnName("total_generation_time_ms").HasColumnType("bigint");
        builder.Property(s => s.TotalLlmCostUsd).HasColumnName("total_llm_cost_usd").HasColumnType("numeric");
        builder.Property(s => s.TotalLlmTokensUsed).HasColumnName("total_llm_tokens_used").HasColumnType("bigint");
        builder.Property(s => s.SessionDurationSeconds).HasColumnName("session_duration_seconds").HasColumnType("numeric");
        builder.Property(s => s.TimeToFinalizationSeconds).HasColumnName("time_to_finalization_seconds").HasColumnType("numeric");
    }
}

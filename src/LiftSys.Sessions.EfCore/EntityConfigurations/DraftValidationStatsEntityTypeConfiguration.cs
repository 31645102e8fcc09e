using LiftSys.Sessions.EfCore.ReadModels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>
/// Maps <see cref="DraftValidationStats"/> to the <c>draft_validation_stats</c> view of migration 007 (keyless,
/// read-only).
/// </summary>
internal sealed class DraftValidationStatsEntityTypeConfiguration : IEntityTypeConfiguration<DraftValidationStats>
{
    public void Configure(EntityTypeBuilder<DraftValidationStats> builder)
    {
        builder.ToView("draft_validation_stats");
        builder.HasNoKey();

        builder.Property(d => d.SessionId).HasColumnName("session_id").HasColumnType("uuid");
        builder.Property(d => d.UserId).HasColumnName("user_id").HasColumnType("uuid");
        builder.Property(d => d.TotalDrafts).HasColumnName("total_drafts").HasColumnType("bigint");
        builder.Property(d => d.SyntaxValidCount).HasColumnName("syntax_valid_count").HasColumnType("bigint");
        builder.Property(d => d.AstValidCount).HasColumnName("ast_valid_count").HasColumnType("bigint");
        builder.Property(d => d.FullyValidCount).HasColumnName("fully_valid_count").HasColumnType("bigint");
        builder.Property(d => d.SyntaxValidPercent).HasColumnName("syntax_valid_percent").HasColumnType("numeric");
        builder.Property(d => d.AstValidPercent).HasColumnName("ast_valid_percent").HasColumnType("numeric");
        builder.Property(d => d.FullyValidPercent).HasColumnName("fully_valid_percent").HasColumnType("numeric");
        builder.Property(d => d.AvgGenerationTimeMs).HasColumnName("avg_generation_time_ms").HasColumnType("numeric");
        builder.Property(d => d.AvgValidationTimeMs).HasColumnName("avg_validation_time_ms").HasColumnType("numeric");
        builder.Property(d => d.TotalLlmCostUsd).HasColumnName("total_llm_cost_usd").HasColumnType("numeric");
    }
}

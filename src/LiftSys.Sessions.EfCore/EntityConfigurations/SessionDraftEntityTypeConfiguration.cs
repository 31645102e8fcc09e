using LiftSys.Sessions.EfCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>Maps <see cref="SessionDraft"/> to <c>session_drafts</c> exactly as schema v1 describes it.</summary>
internal sealed class SessionDraftEntityTypeConfiguration : IEntityTypeConfiguration<SessionDraft>
{
    public void Configure(EntityTypeBuilder<SessionDraft> builder)
    {
        builder.ToTable("session_drafts", t =>
        {
            t.HasCheckConstraint("session_drafts_draft_number_check", "draft_number > 0");
            t.HasCheckConstraint("session_drafts_source_check", PropertyBuilderExtensions.InList<DraftSource>("source"));
            t.HasCheckConstraint("session_drafts_code_content_check", "length(code_content) > 0");
        });

        builder.HasKey(d => d.Id).HasName("session_drafts_pkey");
        builder.HasAlternateKey(d => new { d.SessionId, d.DraftNumber })
            .HasName("session_drafts_session_id_draft_number_key");

        builder.Property(d => d.Id).HasColumnName("id").HasColumnType("uuid").HasDefaultValueSql("gen_random_uuid()");
        builder.Property(d => d.SessionId).HasColumnName("session_id").HasColumnType("uuid");
        builder.Property(d => d.IrRevisionId).HasColumnName("ir_revision_id").HasColumnType("uuid");
        builder.Property(d => d.DraftNumber).HasColumnName("draft_number").HasColumnType("integer");
        builder.Property(d => d.Source).HasColumnName("source").IsEnumText();
        builder.Property(d => d.CodeContent).HasColumnName("code_content").HasColumnType("text");
        builder.Property(d => d.Language).HasColumnName("language").HasColumnType("text").HasDefaultValue(SessionDraft.DefaultLanguage);
        builder.Property(d => d.SyntaxValid).HasColumnName("syntax_valid").HasColumnType("boolean").HasDefaultValue(false);
        builder.Property(d => d.AstValid).HasColumnName("ast_valid").HasColumnType("boolean").HasDefaultValue(false);
        builder.Property(d => d.ValidationErrors).HasColumnName("validation_errors").IsJsonb().HasDefaultValueSql("'[]'::jsonb");
        builder.Property(d => d.GenerationTimeMs).HasColumnName("generation_time_ms").HasColumnType("integer");
        builder.Property(d => d.ValidationTimeMs).HasColumnName("validation_time_ms").HasColumnType("integer");
        builder.Property(d => d.LlmTokensUsed).HasColumnName("llm_tokens_used").HasColumnType("integer");
        builder.Property(d => d.LlmCostUsd).HasColumnName("llm_cost_usd").HasColumnType("numeric(10,6)").HasPrecision(10, 6);
        builder.Property(d => d.Metadata).HasColumnName("metadata").IsJsonb().HasDefaultValueSql("'{}'::jsonb");
        builder.Property(d => d.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone")
            .HasDefaultValueSql("now()");

        builder.HasOne<Session>().WithMany().HasForeignKey(d => d.SessionId)
            .HasConstraintName("session_drafts_session_id_fkey").OnDelete(DeleteBehavior.Cascade);

        // The revision must belong to the draft's own session, and it is the only key on ir_revision_id: a second,
        // plain key would fail on its own name for an id that exists nowhere and pass for another user's revision,
        // telling the two apart (foreign keys are checked without row-level security). The database sets only
        // ir_revision_id to NULL when the revision goes (ON DELETE SET NULL (ir_revision_id), migration 005), which EF
        // cannot spell; SetNull is the nearest it can describe.
        builder.HasOne<SessionRevision>().WithMany()
            .HasForeignKey(d => new { d.SessionId, d.IrRevisionId })
            .HasPrincipalKey(r => new { r.SessionId, r.Id })
            .HasConstraintName("session_drafts_ir_revision_same_session_fkey").OnDelete(DeleteBehavior.SetNull);

        builder.HasIndex(d => d.SessionId).HasDatabaseName("idx_drafts_session_id");
        builder.HasIndex(d => new { d.SessionId, d.DraftNumber }).HasDatabaseName("idx_drafts_session_draft")
            .IsDescending(false, true);
        builder.HasIndex(d => d.IrRevisionId).HasDatabaseName("idx_drafts_ir_revision_id");
        builder.HasIndex(d => new { d.SessionId, d.IrRevisionId }).HasDatabaseName("idx_drafts_session_ir_revision");
        builder.HasIndex(d => d.CreatedAt).HasDatabaseName("idx_drafts_created_at").IsDescending(true);
        builder.HasIndex(d => d.Source).HasDatabaseName("idx_drafts_source");
        builder.HasIndex(d => new { d.SyntaxValid, d.AstValid }).HasDatabaseName("idx_drafts_valid");
        builder.HasIndex(d => d.ValidationErrors).HasDatabaseName("idx_drafts_validation_errors").HasMethod("gin");
        builder.HasIndex(d => d.Metadata).HasDatabaseName("idx_drafts_metadata").HasMethod("gin");
    }
}

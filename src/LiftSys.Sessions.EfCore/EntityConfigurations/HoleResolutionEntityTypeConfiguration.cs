using LiftSys.Sessions.EfCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>Maps <see cref="HoleResolution"/> to <c>hole_resolutions</c> exactly as schema v1 describes it.</summary>
internal sealed class HoleResolutionEntityTypeConfiguration : IEntityTypeConfiguration<HoleResolution>
{
    public void Configure(EntityTypeBuilder<HoleResolution> builder)
    {
        builder.ToTable("hole_resolutions", t =>
        {
            t.HasCheckConstraint("hole_resolutions_hole_type_check", PropertyBuilderExtensions.InList<HoleType>("hole_type"));
            t.HasCheckConstraint(
                "hole_resolutions_resolution_method_check", PropertyBuilderExtensions.InList<ResolutionMethod>("resolution_method"));
            t.HasCheckConstraint("hole_resolutions_confidence_score_check", "confidence_score BETWEEN 0 AND 1");
        });

        builder.HasKey(h => h.Id).HasName("hole_resolutions_pkey");

        builder.Property(h => h.Id).HasColumnName("id").HasColumnType("uuid").HasDefaultValueSql("gen_random_uuid()");
        builder.Property(h => h.SessionId).HasColumnName("session_id").HasColumnType("uuid");
        builder.Property(h => h.IrRevisionId).HasColumnName("ir_revision_id").HasColumnType("uuid");
        builder.Property(h => h.HoleId).HasColumnName("hole_id").HasColumnType("text");
        builder.Property(h => h.HoleType).HasColumnName("hole_type").IsEnumText();
        builder.Property(h => h.ResolutionMethod).HasColumnName("resolution_method").IsEnumText();
        builder.Property(h => h.ResolvedValue).HasColumnName("resolved_value").IsJsonb();
        builder.Property(h => h.ConfidenceScore).HasColumnName("confidence_score").HasColumnType("numeric(3,2)").HasPrecision(3, 2);
        builder.Property(h => h.OriginalHoleData).HasColumnName("original_hole_data").IsJsonb();
        builder.Property(h => h.SuggestionsProvided).HasColumnName("suggestions_provided").IsJsonb().HasDefaultValueSql("'[]'::jsonb");
        builder.Property(h => h.UserFeedback).HasColumnName("user_feedback").HasColumnType("text");
        builder.Property(h => h.Metadata).HasColumnName("metadata").IsJsonb().HasDefaultValueSql("'{}'::jsonb");
        builder.Property(h => h.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone")
            .HasDefaultValueSql("now()");

        builder.HasOne<Session>().WithMany().HasForeignKey(h => h.SessionId)
            .HasConstraintName("hole_resolutions_session_id_fkey").OnDelete(DeleteBehavior.Cascade);

        // As for drafts: one key on ir_revision_id, tying it to the resolution's own session (see
        // SessionDraftEntityTypeConfiguration). The unique index below leads with its two columns and so covers it.
        builder.HasOne<SessionRevision>().WithMany()
            .HasForeignKey(h => new { h.SessionId, h.IrRevisionId })
            .HasPrincipalKey(r => new { r.SessionId, r.Id })
            .HasConstraintName("hole_resolutions_ir_revision_same_session_fkey").OnDelete(DeleteBehavior.SetNull);

        // UNIQUE (session_id, ir_revision_id, hole_id) is a table constraint in the schema, but EF can only model a
        // unique constraint (an alternate key) over non-nullable columns, and ir_revision_id is nullable. A unique
        // index is what PostgreSQL builds behind such a constraint anyway; it keeps the constraint's default name.
        builder.HasIndex(h => new { h.SessionId, h.IrRevisionId, h.HoleId }).IsUnique()
            .HasDatabaseName("hole_resolutions_session_id_ir_revision_id_hole_id_key");

        builder.HasIndex(h => h.SessionId).HasDatabaseName("idx_resolutions_session_id");
        builder.HasIndex(h => h.IrRevisionId).HasDatabaseName("idx_resolutions_ir_revision_id");
        builder.HasIndex(h => h.HoleType).HasDatabaseName("idx_resolutions_hole_type");
        builder.HasIndex(h => h.ResolutionMethod).HasDatabaseName("idx_resolutions_resolution_method");
        builder.HasIndex(h => h.CreatedAt).HasDatabaseName("idx_resolutions_created_at").IsDescending(true);
        builder.HasIndex(h => h.ResolvedValue).HasDatabaseName("idx_resolutions_resolved_value").HasMethod("gin");
        builder.HasIndex(h => h.OriginalHoleData).HasDatabaseName("idx_resolutions_original_data").HasMethod("gin");
        builder.HasIndex(h => h.SuggestionsProvided).HasDatabaseName("idx_resolutions_suggestions").HasMethod("gin");
        builder.HasIndex(h => h.Metadata).HasDatabaseName("idx_resolutions_metadata").HasMethod("gin");
    }
}

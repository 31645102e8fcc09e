using LiftSys.Sessions.EfCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>Maps <see cref="SessionRevision"/> to <c>session_revisions</c> exactly as schema v1 describes it.</summary>
internal sealed class SessionRevisionEntityTypeConfiguration : IEntityTypeConfiguration<SessionRevision>
{
    public void Configure(EntityTypeBuilder<SessionRevision> builder)
    {
        builder.ToTable("session_revisions", t =>
        {
            t.HasCheckConstraint("session_revisions_revision_number_check", "revision_number > 0");
            t.HasCheckConstraint("session_revisions_source_check", PropertyBuilderExtensions.InList<RevisionSource>("source"));
        });

        builder.HasKey(r => r.Id).HasName("session_revisions_pkey");
        builder.HasAlternateKey(r => new { r.SessionId, r.RevisionNumber })
            .HasName("session_revisions_session_id_revision_number_key");

        // What a draft's or resolution's ir_revision_id refers to: a revision of the same session.
        builder.HasAlternateKey(r => new { r.SessionId, r.Id }).HasName("session_revisions_session_id_id_key");

        builder.Property(r => r.Id).HasColumnName("id").HasColumnType("uuid").HasDefaultValueSql("gen_random_uuid()");
        builder.Property(r => r.SessionId).HasColumnName("session_id").HasColumnType("uuid");
        builder.Property(r => r.RevisionNumber).HasColumnName("revision_number").HasColumnType("integer");
        builder.Property(r => r.Source).HasColumnName("source").IsEnumText();
        builder.Property(r => r.IrContent).HasColumnName("ir_content").IsJsonb();
        builder.Property(r => r.ValidationResult).HasColumnName("validation_result").IsJsonb();
        builder.Property(r => r.ChangedFields).HasColumnName("changed_fields").HasColumnType("text[]")
            .HasDefaultValueSql("ARRAY[]::text[]");
        builder.Property(r => r.ChangeSummary).HasColumnName("change_summary").HasColumnType("text");
        builder.Property(r => r.Metadata).HasColumnName("metadata").IsJsonb().HasDefaultValueSql("'{}'::jsonb");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone")
            .HasDefaultValueSql("now()");

        builder.HasOne<Session>().WithMany().HasForeignKey(r => r.SessionId)
            .HasConstraintName("session_revisions_session_id_fkey").OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(r => r.SessionId).HasDatabaseName("idx_revisions_session_id");
        builder.HasIndex(r => new { r.SessionId, r.RevisionNumber }).HasDatabaseName("idx_revisions_session_revision")
            .IsDescending(false, true);
        builder.HasIndex(r => r.CreatedAt).HasDatabaseName("idx_revisions_created_at").IsDescending(true);
        builder.HasIndex(r => r.Source).HasDatabaseName("idx_revisions_source");
        builder.HasIndex(r => r.IrContent).HasDatabaseName("idx_revisions_ir_content").HasMethod("gin");
        builder.HasIndex(r => r.Metadata).HasDatabaseName("idx_revisions_metadata").HasMethod("gin");
    }
}

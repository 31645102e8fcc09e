using LiftSys.Sessions.EfCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>Maps <see cref="Session"/> to <c>sessions</c> exactly as schema v1 describes it.</summary>
internal sealed class SessionEntityTypeConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions", t =>
        {
            t.HasCheckConstraint("sessions_status_check", PropertyBuilderExtensions.InList<SessionStatus>("status"));
            t.HasCheckConstraint("sessions_source_check", PropertyBuilderExtensions.InList<SessionSource>("source"));
            t.HasCheckConstraint("sessions_original_input_check", "length(original_input) > 0");
        });

        builder.HasKey(s => s.Id).HasName("sessions_pkey");

        builder.Property(s => s.Id).HasColumnName("id").HasColumnType("uuid").HasDefaultValueSql("gen_random_uuid()");
        builder.Property(s => s.UserId).HasColumnName("user_id").HasColumnType("uuid");
        builder.Property(s => s.Status).HasColumnName("status").IsEnumText().HasDefaultValue(SessionStatus.Active);
        builder.Property(s => s.Source).HasColumnName("source").IsEnumText().HasDefaultValue(SessionSource.Prompt);
        builder.Property(s => s.OriginalInput).HasColumnName("original_input").HasColumnType("text");
        builder.Property(s => s.CurrentIr).HasColumnName("current_ir").IsJsonb();
        builder.Property(s => s.CurrentCode).HasColumnName("current_code").HasColumnType("text");

        // The counters and updated_at belong to the database's triggers: EF never writes them and reads them back
        // after every INSERT and UPDATE, so the entity shows what the triggers computed.
        builder.Property(s => s.RevisionCount).HasColumnName("revision_count").HasColumnType("integer")
            .HasDefaultValue(0).ValueGeneratedOnAddOrUpdate();
        builder.Property(s => s.DraftCount).HasColumnName("draft_count").HasColumnType("integer")
            .HasDefaultValue(0).ValueGeneratedOnAddOrUpdate();
        builder.Property(s => s.HoleCount).HasColumnName("hole_count").HasColumnType("integer")
            .HasDefaultValue(0).ValueGeneratedOnAddOrUpdate();
        builder.Property(s => s.Metadata).HasColumnName("metadata").IsJsonb().HasDefaultValueSql("'{}'::jsonb");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone")
            .HasDefaultValueSql("now()");
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at").HasColumnType("timestamp with time zone")
            .HasDefaultValueSql("now()").ValueGeneratedOnAddOrUpdate();
        builder.Property(s => s.FinalizedAt).HasColumnName("finalized_at").HasColumnType("timestamp with time zone");

        builder.HasIndex(s => s.UserId).HasDatabaseName("idx_sessions_user_id");
        builder.HasIndex(s => s.Status).HasDatabaseName("idx_sessions_status");
        builder.HasIndex(s => s.CreatedAt).HasDatabaseName("idx_sessions_created_at").IsDescending(true);
        builder.HasIndex(s => new { s.UserId, s.Status }).HasDatabaseName("idx_sessions_user_status");
        builder.HasIndex(s => s.CurrentIr).HasDatabaseName("idx_sessions_current_ir").HasMethod("gin");
        builder.HasIndex(s => s.Metadata).HasDatabaseName("idx_sessions_metadata").HasMethod("gin");
    }
}

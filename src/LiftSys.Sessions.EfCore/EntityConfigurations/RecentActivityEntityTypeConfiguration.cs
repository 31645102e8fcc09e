using LiftSys.Sessions.EfCore.ReadModels;
using LiftSys.Sessions.EfCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.EntityConfigurations;

/// <summary>Maps <see cref="RecentActivity"/> to the <c>recent_activity</c> view of migration 007 (keyless, read-only).</summary>
internal sealed class RecentActivityEntityTypeConfiguration : IEntityTypeConfiguration<RecentActivity>
{
    public void Configure(EntityTypeBuilder<RecentActivity> builder)
    {
        builder.ToView("recent_activity");
        builder.HasNoKey();

        builder.Property(a => a.EventType).HasColumnName("event_type").IsEnumText();
        builder.Property(a => a.SessionId).HasColumnName("session_id").HasColumnType("uuid");
        builder.Property(a => a.UserId).HasColumnName("user_id").HasColumnType("uuid");
        builder.Property(a => a.RevisionId).HasColumnName("revision_id").HasColumnType("uuid");
        builder.Property(a => a.DraftId).HasColumnName("draft_id").HasColumnType("uuid");
        builder.Property(a => a.ResolutionId).HasColumnName("resolution_id").HasColumnType("uuid");
        builder.Property(a => a.EventTime).HasColumnName("event_time").HasColumnType("timestamp with time zone");
        builder.Property(a => a.EventData).HasColumnName("event_data").IsJsonb();
    }
}

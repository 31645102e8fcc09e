using System.Globalization;

namespace LiftSys.Sessions.Benchmarks.Dataset;

/// <summary>What a generated dataset holds, and how long it took to generate.</summary>
internal sealed record DatasetCounts(long Sessions, long Revisions, long Drafts, long Resolutions, long DatabaseBytes, TimeSpan GenerationTime)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Sessions:N0} sessions, {Revisions:N0} revisions, {Drafts:N0} drafts, {Resolutions:N0} hole resolutions, {DatabaseBytes / (1024.0 * 1024.0):N0} MiB");
}

using System.Globalization;

namespace LiftSys.Sessions.Benchmarks.Dataset;

/// <summary>
/// The ids the generator gives rows, computed the same way in SQL (<see cref="DatasetGenerator"/>) and here, so the
/// benchmarks can name rows without reading them back. Session and child ids are ordered like the library's UUIDv7s.
/// </summary>
internal static class DatasetIds
{
    /// <summary>The user with <see cref="DatasetScale.HotUserSessions"/> active sessions; the keyed operations act as them.</summary>
    public static readonly Guid HotUser = Guid.Parse("b0000000-0000-4000-8000-000000000001");

    /// <summary>A user of its own for the create benchmarks, so the hot user keeps exactly its 1000 sessions.</summary>
    public static readonly Guid Creator = Guid.Parse("b0000000-0000-4000-8000-000000000002");

    /// <summary>A user of its own for the concurrency runs.</summary>
    public static readonly Guid ConcurrencyUser = Guid.Parse("b0000000-0000-4000-8000-000000000003");

    public static Guid Session(int i) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"00000000-0000-7000-8000-{i:x12}"));

    public static Guid Revision(int i, int number) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"00000001-0000-7000-8000-{i:x8}{number:x4}"));

    /// <summary>How many revisions session <paramref name="i"/> was generated with.</summary>
    public static int RevisionsOf(int i) => 1 + (i % 5);

    /// <summary>How many drafts session <paramref name="i"/> was generated with.</summary>
    public static int DraftsOf(int i) => i % 4;
}

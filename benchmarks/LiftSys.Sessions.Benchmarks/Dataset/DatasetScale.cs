using System.Globalization;

namespace LiftSys.Sessions.Benchmarks.Dataset;

/// <summary>
/// The size of a generated dataset. Children are proportional to sessions: session <c>i</c> has <c>1 + i % 5</c>
/// revisions (3 on average), <c>i % 4</c> drafts (1.5) and <c>i % 3</c> hole resolutions (1), scaled by
/// <see cref="ChildFraction"/> when a large dataset would otherwise be too slow to generate on this machine.
/// </summary>
/// <param name="Sessions">How many sessions, the hot user's 1000 included.</param>
/// <param name="ChildFraction">
/// The share of sessions (1 in <c>1 / ChildFraction</c>, by id) that get children; the others have none. 1 means all.
/// </param>
internal sealed record DatasetScale(int Sessions, double ChildFraction = 1.0)
{
    /// <summary>The sessions of the user whose list the benchmarks read: all active.</summary>
    public const int HotUserSessions = 1000;

    /// <summary>The average number of sessions per user outside the hot user.</summary>
    public const int SessionsPerUser = 10;

    /// <summary>Gets the short name, e.g. <c>10k</c> or <c>1M</c>.</summary>
    public string Name => Sessions switch
    {
        >= 1_000_000 when Sessions % 1_000_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{Sessions / 1_000_000}M"),
        >= 1_000 when Sessions % 1_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{Sessions / 1_000}k"),
        _ => Sessions.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Gets every how-many-th session has children (1 = every session).</summary>
    public int ChildStride => Math.Max(1, (int)Math.Round(1 / ChildFraction));

    /// <summary>Parses <c>10k</c>, <c>100k</c>, <c>1M</c> or a plain number, optionally with <c>/N</c> children stride.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The scale.</returns>
    public static DatasetScale Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var parts = text.Split('/', 2);
        var number = parts[0].Trim();
        var multiplier = 1;
        if (number.EndsWith('k') || number.EndsWith('K'))
        {
            multiplier = 1_000;
            number = number[..^1];
        }
        else if (number.EndsWith('M') || number.EndsWith('m'))
        {
            multiplier = 1_000_000;
            number = number[..^1];
        }

        var sessions = checked(int.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture) * multiplier);
        if (sessions < HotUserSessions * 2)
        {
            throw new ArgumentException($"A dataset needs at least {HotUserSessions * 2} sessions; '{text}' has {sessions}.", nameof(text));
        }

        var stride = parts.Length == 2 ? int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture) : 1;
        return new DatasetScale(sessions, 1.0 / Math.Max(1, stride));
    }
}

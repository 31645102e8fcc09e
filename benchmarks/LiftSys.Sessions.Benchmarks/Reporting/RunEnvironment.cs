using System.Globalization;
using System.Runtime.InteropServices;

namespace LiftSys.Sessions.Benchmarks.Reporting;

/// <summary>The machine and software a run measured on, for the report's header.</summary>
internal sealed record RunEnvironment(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime, string PostgreSql)
{
    public static RunEnvironment Detect(Version postgresVersion)
    {
        var cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return new RunEnvironment(
            cpu, Environment.ProcessorCount, memory, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            postgresVersion.ToString());
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), so a report says how busy the shared machine was.</summary>
    /// <returns>For example <c>2.70, 5.60, 7.07</c>, or <c>unknown</c>.</returns>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Cpu}, {Cores} cores, {MemoryGiB:N0} GiB; {Os}; {Runtime}; PostgreSQL {PostgreSql} (throwaway cluster: fsync, synchronous_commit and full_page_writes off, as the tests run it)");
}

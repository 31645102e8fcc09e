using System.Globalization;
using System.Text.RegularExpressions;

namespace LiftSys.Sessions.Packaging.Tests;

/// <summary>
/// Packs the library and the tool from this checkout into a local feed, then uses them only as a consumer would:
/// restored into a new project, installed as a tool. A package that is broken (missing assets, dependencies that
/// cannot be restored, a tool that does not start) fails here instead of on nuget.org.
/// </summary>
[NonParallelizable]
public partial class PackagingTests
{
    private const string ToolCommand = "liftsys-sessions";

    // Generous: the first restore on a fresh machine downloads EF Core and Npgsql. Runs take about a minute in all.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private RepositoryCheckout checkout = null!;
    private string workDirectory = null!;
    private string feed = null!;
    private string version = null!;
    private IReadOnlyList<string> migrationIds = null!;

    [OneTimeSetUp]
    public async Task PackIntoLocalFeed()
    {
        checkout = RepositoryCheckout.Locate();

        // Read before packing, so the expectations describe the sources that went into the packages.
        migrationIds = checkout.MigrationIds();

        // A version no real package has, so neither a cache nor nuget.org can serve anything but what was packed here.
        version = string.Create(CultureInfo.InvariantCulture, $"0.1.0-test.{DateTime.UtcNow.Ticks}");
        workDirectory = Path.Combine(Path.GetTempPath(), $"liftsys-packaging-{Guid.NewGuid():N}");
        feed = Path.Combine(workDirectory, "feed");

        // Own bin/obj under the work directory: packing must not overwrite the checkout's build outputs with a test
        // version while other test projects run from them.
        var artifacts = Path.Combine(workDirectory, "artifacts");
        foreach (var project in new[] { checkout.SessionsProject, checkout.EfCoreProject, checkout.CliProject })
        {
            var pack = await Dotnet.RunAsync(
                checkout.Root, BuildTimeout,
                "pack", project, "-c", "Release", "--artifacts-path", artifacts, "-o", feed, $"-p:Version={version}");
            Report(pack);
            Assert.That(pack.ExitCode, Is.Zero, pack.Describe());
        }
    }

    [OneTimeTearDown]
    public async Task RemoveTestPackages()
    {
        if (workDirectory is null)
        {
            return;
        }

        // Restores and tool installs extract the packages into the global packages folder; only this run's version
        // of our own ids is removed from it.
        var globalPackages = await GlobalPackagesFolderAsync();
        foreach (var id in new[] { "liftsys.sessions", "liftsys.sessions.efcore", "liftsys.sessions.cli" })
        {
            var idDirectory = Path.Combine(globalPackages, id);
            DeleteDirectory(Path.Combine(idDirectory, version));
            if (Directory.Exists(idDirectory) && !Directory.EnumerateFileSystemEntries(idDirectory).Any())
            {
                DeleteDirectory(idDirectory);
            }
        }

        DeleteDirectory(workDirectory);
    }

    [TestCase("LiftSys.Sessions", "LiftSys.Sessions")]
    [TestCase("LiftSys.Sessions.EfCore", "LiftSys.Sessions.EfCore")]
    [TestCase("LiftSys.Sessions.Cli", ToolCommand)]
    public void Pack_package_holds_readme_assembly_xml_docs_and_license(string packageId, string assemblyName)
    {
        // Arrange
        var assemblyPath = AssetPattern(assemblyName, "dll");
        var docsPath = AssetPattern(assemblyName, "xml");

        // Act
        var package = PackageArchive.Open(PackagePath(packageId, "nupkg"));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(package.Metadata("id"), Is.EqualTo(packageId));
            Assert.That(package.Metadata("version"), Is.EqualTo(version));
            Assert.That(package.Metadata("description"), Is.Not.Null.And.Not.Empty);
            Assert.That(package.Entries, Does.Contain("README.md"));
            Assert.That(package.Metadata("readme"), Is.EqualTo("README.md"));
            Assert.That(package.MetadataAttribute("license", "type"), Is.EqualTo("expression"));
            Assert.That(package.Metadata("license"), Is.EqualTo("MIT"));
            Assert.That(package.Entries, Has.Some.Match(assemblyPath), "the assembly");
            Assert.That(package.Entries, Has.Some.Match(docsPath), "the XML documentation");
        });
    }

    [TestCase("LiftSys.Sessions", "LiftSys.Sessions")]
    [TestCase("LiftSys.Sessions.EfCore", "LiftSys.Sessions.EfCore")]
    [TestCase("LiftSys.Sessions.Cli", ToolCommand)]
    public void Pack_package_has_symbol_package_with_its_pdb(string packageId, string assemblyName)
    {
        // Arrange
        var symbols = PackagePath(packageId, "snupkg");
        Assert.That(symbols, Does.Exist, "the .snupkg next to the .nupkg");

        // Act
        var package = PackageArchive.Open(symbols);

        // Assert
        Assert.That(package.Entries, Has.Some.Match(AssetPattern(assemblyName, "pdb")));
    }

    [Test]
    public async Task Pack_solution_only_the_libraries_and_the_tool_are_packable()
    {
        // Arrange
        string[] expected = [checkout.SessionsProject, checkout.EfCoreProject, checkout.CliProject];

        // Act
        var packable = await PackableProjectsAsync();

        // Assert: test projects, samples and benchmarks must never end up on a feed.
        Assert.That(packable, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task EfCorePackage_restored_into_new_console_project_runs_the_smoke_test()
    {
        // Arrange
        var consumer = Path.Combine(workDirectory, "consumer");
        await ConsumerProject.WriteAsync(consumer, feed, checkout.NuGetOrgSource(), version);
        var migrationCount = migrationIds.Count;

        // Act
        var run = await Dotnet.RunAsync(consumer, BuildTimeout, "run");
        Report(run);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Describe());
            Assert.That(run.Output, Does.Contain("session status: Active"), run.Describe());
            Assert.That(run.Output, Does.Contain($"migrations: {migrationCount}"), run.Describe());
            Assert.That(run.Output, Does.Contain("pending model changes: False"), run.Describe());
        });
    }

    [Test]
    public async Task CliPackage_installed_as_tool_prints_the_migrations_sql()
    {
        // Arrange
        var toolPath = Path.Combine(workDirectory, "tools");

        // An empty configuration: the tool can only come from the local feed added on the command line.
        var nuGetConfig = Path.Combine(workDirectory, "tool-nuget.config");
        await ConsumerProject.WriteEmptyNuGetConfigAsync(nuGetConfig);
        var install = await Dotnet.RunAsync(
            workDirectory, ToolTimeout,
            "tool", "install", "LiftSys.Sessions.Cli",
            "--tool-path", toolPath, "--add-source", feed, "--version", version, "--configfile", nuGetConfig);
        Report(install);
        Assert.That(install.ExitCode, Is.Zero, install.Describe());

        // Act
        var script = await Dotnet.RunProgramAsync(Path.Combine(toolPath, ToolCommand), workDirectory, ToolTimeout, "script");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(script.ExitCode, Is.Zero, script.Describe());
            Assert.That(script.Output, Does.Contain("CREATE TABLE IF NOT EXISTS __liftsys_sessions_migrations"), script.Describe());
            Assert.That(script.Output, Does.Contain("CREATE TABLE sessions"), script.Describe());
            foreach (var id in migrationIds)
            {
                Assert.That(script.Output, Does.Contain($"'{id}'"), $"migration {id} is missing from the tool's script");
            }
        });
    }

    private static Regex AssetPattern(string assemblyName, string extension) =>
        new($@"^(lib|tools)/net[0-9.]+/(any/)?{Regex.Escape(assemblyName)}\.{extension}$", RegexOptions.CultureInvariant);

    private static void Report(DotnetResult result) =>
        TestContext.Progress.WriteLine(
            $"LiftSys.Sessions.Packaging.Tests: `{result.CommandLine}` took {result.Elapsed.TotalSeconds:F1} s" +
            (result.Error.Contains("[output still open", StringComparison.Ordinal) ? " (its output stayed open after it exited)" : ""));

    private static void DeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException exception)
        {
            // Cleanup must not hide the test's own outcome; say what was left behind instead.
            TestContext.Progress.WriteLine($"LiftSys.Sessions.Packaging.Tests: could not delete {path}: {exception.Message}");
        }
        catch (UnauthorizedAccessException exception)
        {
            TestContext.Progress.WriteLine($"LiftSys.Sessions.Packaging.Tests: could not delete {path}: {exception.Message}");
        }
    }

    private string PackagePath(string packageId, string extension) => Path.Combine(feed, $"{packageId}.{version}.{extension}");

    /// <summary>The global packages folder as NuGet resolves it (NUGET_PACKAGES, a nuget.config, or the default).</summary>
    private async Task<string> GlobalPackagesFolderAsync()
    {
        var fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (!Directory.Exists(workDirectory))
        {
            return fallback;
        }

        var locals = await Dotnet.RunAsync(workDirectory, ToolTimeout, "nuget", "locals", "global-packages", "--list");
        var match = GlobalPackagesLine().Match(locals.Output);
        return locals.Succeeded && match.Success ? match.Groups["path"].Value.Trim() : fallback;
    }

    /// <summary>
    /// The full paths of the solution's projects whose <c>IsPackable</c> evaluates to true in Release, found in one
    /// MSBuild evaluation of them all (no build).
    /// </summary>
    private async Task<IReadOnlyList<string>> PackableProjectsAsync()
    {
        var solution = await File.ReadAllTextAsync(Path.Combine(checkout.Root, "LiftSys.Sessions.sln"));
        var projects = SolutionProject().Matches(solution)
            .Select(match => Path.GetFullPath(Path.Combine(checkout.Root, match.Groups["path"].Value.Replace('\\', '/'))))
            .ToList();

        var probeDirectory = Path.Combine(workDirectory, "packable-probe");
        Directory.CreateDirectory(probeDirectory);
        var reportTargets = Path.Combine(probeDirectory, "report.targets");
        await File.WriteAllTextAsync(reportTargets, """
            <Project>
              <Target Name="LiftSysReportPackable" Returns="@(LiftSysPackable)">
                <ItemGroup>
                  <LiftSysPackable Include="$(MSBuildProjectFullPath)" IsPackable="$(IsPackable)" />
                </ItemGroup>
              </Target>
            </Project>
            """);
        var probe = Path.Combine(probeDirectory, "probe.proj");
        await File.WriteAllTextAsync(probe, $"""
            <Project>
              <ItemGroup>
                {string.Concat(projects.Select(project => $"<LiftSysProject Include=\"{project}\" />"))}
              </ItemGroup>
              <Target Name="Probe">
                <MSBuild Projects="@(LiftSysProject)" Targets="LiftSysReportPackable"
                         Properties="Configuration=Release;CustomAfterMicrosoftCommonTargets={reportTargets}">
                  <Output TaskParameter="TargetOutputs" ItemName="Reported" />
                </MSBuild>
                <Message Importance="high" Text="packable: %(Reported.Identity) = %(Reported.IsPackable)" />
              </Target>
            </Project>
            """);

        // From the checkout, so its global.json picks the SDK, as for the packs.
        var result = await Dotnet.RunAsync(checkout.Root, BuildTimeout, "msbuild", probe, "-t:Probe", "-nologo");
        Report(result);
        Assert.That(result.ExitCode, Is.Zero, result.Describe());

        var reported = PackableLine().Matches(result.Output).ToDictionary(
            match => match.Groups["project"].Value.Trim(),
            match => string.Equals(match.Groups["packable"].Value.Trim(), "true", StringComparison.OrdinalIgnoreCase));
        Assert.That(reported.Keys, Is.EquivalentTo(projects), result.Describe());
        return [.. reported.Where(pair => pair.Value).Select(pair => pair.Key)];
    }

    [GeneratedRegex(@"^global-packages:\s*(?<path>.+)$", RegexOptions.Multiline)]
    private static partial Regex GlobalPackagesLine();

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\)\s*=\s*""[^""]+"",\s*""(?<path>[^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();

    [GeneratedRegex(@"packable: (?<project>.+?) = (?<packable>\w*)\s*$", RegexOptions.Multiline)]
    private static partial Regex PackableLine();
}

using System.Xml.Linq;

namespace LiftSys.Sessions.Packaging.Tests;

/// <summary>
/// A new console application outside the checkout that references <c>LiftSys.Sessions.EfCore</c> from a local feed,
/// as a user's project would from nuget.org.
/// </summary>
internal static class ConsumerProject
{
    /// <summary>The smoke test: the domain, the context, the migrations and the model snapshot, all from the package.</summary>
    public const string Program = """
        using LiftSys.Sessions;
        using LiftSys.Sessions.EfCore;
        using Microsoft.EntityFrameworkCore;

        var session = Session.StartFromPrompt(Guid.NewGuid(), "Write a function that adds two numbers");
        var options = new DbContextOptionsBuilder<SessionsDbContext>()
            .UseNpgsql("Host=unused", npgsql => npgsql.UseLiftSysSessionsMigrations())
            .Options;
        using var context = new SessionsDbContext(options);

        Console.WriteLine($"session status: {session.Status}");
        Console.WriteLine($"migrations: {context.Database.GetMigrations().Count()}");
        Console.WriteLine($"pending model changes: {context.Database.HasPendingModelChanges()}");
        """;

    public const string LocalFeedKey = "liftsys-local";

    /// <summary>Writes the project, its <c>Program.cs</c> and its <c>nuget.config</c> into <paramref name="directory"/>.</summary>
    public static async Task WriteAsync(string directory, string localFeed, string nuGetOrgSource, string version)
    {
        Directory.CreateDirectory(directory);

        // Empty Directory.Build.* files stop MSBuild's upward search, so nothing above the temp directory leaks in.
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), "<Project />\n");
        }

        var project = new XElement(
            "Project",
            new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement(
                "PropertyGroup",
                new XElement("OutputType", "Exe"),
                new XElement("TargetFramework", "net10.0"),
                new XElement("Nullable", "enable"),
                new XElement("ImplicitUsings", "enable"),

                // Whatever the packages make a consumer's build warn about (a dependency version that cannot be
                // restored exactly, a missing asset) fails here.
                new XElement("TreatWarningsAsErrors", "true"),

                // The vulnerability audit needs nuget.org's vulnerability feed and says nothing about our packages.
                new XElement("NuGetAudit", "false")),
            new XElement(
                "ItemGroup",
                new XElement("PackageReference", new XAttribute("Include", "LiftSys.Sessions.EfCore"), new XAttribute("Version", version))));
        await File.WriteAllTextAsync(Path.Combine(directory, "Consumer.csproj"), project.ToString());
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), Program);

        // Source mapping: LiftSys.* may come from the local feed only, so a package of the same id on nuget.org (or
        // in a cache) can never stand in for the one under test; everything else comes from nuget.org.
        var nuGetConfig = new XElement(
            "configuration",
            new XElement(
                "packageSources",
                new XElement("clear"),
                Source(LocalFeedKey, localFeed),
                Source("nuget.org", nuGetOrgSource)),
            new XElement(
                "packageSourceMapping",
                Mapping(LocalFeedKey, "LiftSys.*"),
                Mapping("nuget.org", "*")));
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), nuGetConfig.ToString());
    }

    /// <summary>A <c>nuget.config</c> with no source at all, for <c>dotnet tool install --add-source</c>.</summary>
    public static Task WriteEmptyNuGetConfigAsync(string path) =>
        File.WriteAllTextAsync(path, new XElement("configuration", new XElement("packageSources", new XElement("clear"))).ToString());

    private static XElement Source(string key, string value) =>
        new("add", new XAttribute("key", key), new XAttribute("value", value));

    private static XElement Mapping(string key, string pattern) =>
        new("packageSource", new XAttribute("key", key), new XElement("package", new XAttribute("pattern", pattern)));
}

using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LiftSys.Sessions.Packaging.Tests;

/// <summary>The checkout these tests were built from: where the projects are, and facts read from its files.</summary>
internal sealed partial class RepositoryCheckout
{
    private const string SolutionFileName = "LiftSys.Sessions.sln";

    private RepositoryCheckout(string root) => Root = root;

    public string Root { get; }

    public string SessionsProject => Path.Combine(Root, "src", "LiftSys.Sessions", "LiftSys.Sessions.csproj");

    public string EfCoreProject => Path.Combine(Root, "src", "LiftSys.Sessions.EfCore", "LiftSys.Sessions.EfCore.csproj");

    public string CliProject => Path.Combine(Root, "tools", "LiftSys.Sessions.Cli", "LiftSys.Sessions.Cli.csproj");

    /// <summary>Finds the checkout by walking up from the test assembly's directory to the solution file.</summary>
    public static RepositoryCheckout Locate()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return new RepositoryCheckout(directory.FullName);
            }
        }

        throw new InvalidOperationException(
            $"{SolutionFileName} was not found above {TestContext.CurrentContext.TestDirectory}; these tests pack the checkout they were built from.");
    }

    /// <summary>The URL of the <c>nuget.org</c> source in the checkout's <c>nuget.config</c>.</summary>
    public string NuGetOrgSource()
    {
        var config = XDocument.Load(Path.Combine(Root, "nuget.config"));
        return config.Root?.Element("packageSources")?.Elements("add")
                   .FirstOrDefault(source => (string?)source.Attribute("key") == "nuget.org")
                   ?.Attribute("value")?.Value
               ?? throw new InvalidOperationException("nuget.config has no packageSources/add with key=\"nuget.org\".");
    }

    /// <summary>
    /// The ids of the migrations in the EF Core project, read from its <c>[Migration("…")]</c> attributes, so the tests
    /// follow whatever migrations exist without referencing the assembly.
    /// </summary>
    public IReadOnlyList<string> MigrationIds()
    {
        var directory = Path.Combine(Path.GetDirectoryName(EfCoreProject)!, "Migrations");
        return [.. Directory.EnumerateFiles(directory, "*.cs")
            .SelectMany(file => MigrationAttribute().Matches(File.ReadAllText(file)).Select(match => match.Groups["id"].Value))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"\[Migration\(""(?<id>\d{14}_\w+)""\)\]")]
    private static partial Regex MigrationAttribute();
}

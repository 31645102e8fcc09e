using System.IO.Compression;
using System.Xml.Linq;

namespace LiftSys.Sessions.Packaging.Tests;

/// <summary>What a <c>.nupkg</c> or <c>.snupkg</c> holds: its file list and the metadata of its <c>.nuspec</c>.</summary>
internal sealed class PackageArchive
{
    private readonly XElement metadata;

    private PackageArchive(IReadOnlyList<string> entries, XElement metadata)
    {
        Entries = entries;
        this.metadata = metadata;
    }

    /// <summary>Gets the paths of the files in the package, with forward slashes.</summary>
    public IReadOnlyList<string> Entries { get; }

    public static PackageArchive Open(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var entries = zip.Entries.Select(entry => entry.FullName.Replace('\\', '/')).ToList();
        var nuspec = zip.Entries.Single(entry => !entry.FullName.Contains('/', StringComparison.Ordinal)
            && entry.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        var metadata = document.Root?.Elements().SingleOrDefault(element => element.Name.LocalName == "metadata")
            ?? throw new InvalidDataException($"{path} has a .nuspec without <metadata>.");
        return new PackageArchive(entries, metadata);
    }

    /// <summary>Gets the text of a <c>&lt;metadata&gt;</c> child (its namespace varies by nuspec version), or null.</summary>
    public string? Metadata(string name) => MetadataElement(name)?.Value;

    /// <summary>Gets an attribute of a <c>&lt;metadata&gt;</c> child, or null.</summary>
    public string? MetadataAttribute(string name, string attribute) => MetadataElement(name)?.Attribute(attribute)?.Value;

    private XElement? MetadataElement(string name) =>
        metadata.Elements().FirstOrDefault(element => element.Name.LocalName == name);
}

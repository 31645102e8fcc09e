using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>The JSON values schema v1 uses as column defaults (<c>'{}'</c> and <c>'[]'</c>).</summary>
internal static class JsonDefaults
{
    public static JsonElement EmptyObject => Parse("{}");

    public static JsonElement EmptyArray => Parse("[]");

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

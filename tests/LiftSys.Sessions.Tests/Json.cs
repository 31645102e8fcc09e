using System.Text.Json;

namespace LiftSys.Sessions.Tests;

/// <summary>Parses JSON literals for tests into detached elements.</summary>
internal static class Json
{
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

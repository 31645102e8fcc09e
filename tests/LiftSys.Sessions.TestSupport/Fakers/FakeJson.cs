using System.Text.Json;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>Builds detached <see cref="JsonElement"/>s for the fakers and tests.</summary>
public static class FakeJson
{
    /// <summary>Writes a JSON value with <see cref="Utf8JsonWriter"/> and returns it detached from its document.</summary>
    /// <param name="write">Writes exactly one JSON value.</param>
    /// <returns>The value.</returns>
    public static JsonElement Write(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>Parses JSON text into a detached element.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

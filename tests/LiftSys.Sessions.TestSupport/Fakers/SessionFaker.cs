using System.Text.Json;
using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>
/// Generates valid <see cref="Session"/>s through <see cref="Session.StartFromPrompt"/> and
/// <see cref="Session.StartFromCode"/>, some with a current IR and code. Seeded, so the same seed gives the same
/// prompts, owners and documents whatever <see cref="Randomizer.Seed"/> is (identifiers are fresh each time: the
/// factories generate them).
/// </summary>
public sealed class SessionFaker : Faker<Session>
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 1001;

    private Guid? ownerId;
    private SessionSource? source;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="seed">The seed of this faker's own randomizer.</param>
    public SessionFaker(int seed = DefaultSeed)
    {
        UseSeed(seed);
        CustomInstantiator(f =>
        {
            var owner = ownerId ?? f.Random.Guid();
            var metadata = Metadata(f);
            var session = (source ?? f.PickRandom<SessionSource>()) == SessionSource.Code
                ? Session.StartFromCode(owner, SessionTextFaker.Code(f), metadata)
                : Session.StartFromPrompt(owner, SessionTextFaker.Prompt(f), metadata);
            if (f.Random.Bool(0.5f))
            {
                session.SetCurrentIr(IrDocumentFaker.Generate(f));
            }

            if (f.Random.Bool(0.3f))
            {
                session.SetCurrentCode(SessionTextFaker.Code(f));
            }

            return session;
        });
    }

    /// <summary>Gives every generated session the same owner.</summary>
    /// <param name="userId">The owner.</param>
    /// <returns>This faker, so that further configuration can be chained.</returns>
    public SessionFaker OwnedBy(Guid userId)
    {
        ownerId = userId;
        return this;
    }

    /// <summary>Generates forward-mode sessions only (started from a prompt).</summary>
    /// <returns>This faker, so that further configuration can be chained.</returns>
    public SessionFaker FromPrompt()
    {
        source = SessionSource.Prompt;
        return this;
    }

    /// <summary>Generates reverse-mode sessions only (started from code).</summary>
    /// <returns>This faker, so that further configuration can be chained.</returns>
    public SessionFaker FromCode()
    {
        source = SessionSource.Code;
        return this;
    }

    /// <summary>Generates session metadata: a JSON object with tags and a client name.</summary>
    /// <param name="f">The faker to draw from.</param>
    /// <returns>A detached JSON object.</returns>
    public static JsonElement Metadata(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return FakeJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("client", f.PickRandom("web", "cli", "vscode"));
            writer.WriteStartArray("tags");
            foreach (var tag in f.Random.WordsArray(1, 3))
            {
                writer.WriteStringValue(tag.ToLowerInvariant());
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }
}

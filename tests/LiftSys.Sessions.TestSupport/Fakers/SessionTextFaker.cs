using Bogus;

namespace LiftSys.Sessions.TestSupport.Fakers;

/// <summary>Generates the texts sessions start from and drafts hold: prompts and small Python functions.</summary>
public static class SessionTextFaker
{
    /// <summary>Generates a natural-language prompt.</summary>
    /// <param name="f">The faker to draw from.</param>
    /// <returns>A non-empty prompt without NUL characters.</returns>
    public static string Prompt(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return $"Write a function that {f.Hacker.Verb()}s the {f.Hacker.Adjective()} {f.Hacker.Noun()} and {f.Lorem.Sentence(6).ToLowerInvariant()}";
    }

    /// <summary>Generates a small Python function.</summary>
    /// <param name="f">The faker to draw from.</param>
    /// <returns>Non-empty code without NUL characters.</returns>
    public static string Code(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var parameter = f.Hacker.Noun().Replace(' ', '_').ToLowerInvariant();
        return $"def {IrDocumentFaker.FunctionName(f)}({parameter}):\n    \"\"\"{f.Lorem.Sentence()}\"\"\"\n    return {parameter} * {f.Random.Int(1, 9)}\n";
    }
}

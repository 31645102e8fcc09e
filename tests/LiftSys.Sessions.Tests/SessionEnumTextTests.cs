namespace LiftSys.Sessions.Tests;

public sealed class SessionEnumTextTests
{
    // The value lists of schema v1's CHECK constraints, copied from the spec rather than derived from the enums, so a
    // renamed enum member fails here.
    private static readonly object[] SpecLists =
    [
        new object[] { typeof(SessionStatus), new[] { "active", "paused", "finalized", "error" } },
        new object[] { typeof(SessionSource), new[] { "prompt", "code" } },
        new object[] { typeof(RevisionSource), new[] { "initial", "refinement", "repair", "user_edit" } },
        new object[] { typeof(DraftSource), new[] { "initial_generation", "ast_repair", "llm_regeneration", "user_edit" } },
        new object[] { typeof(HoleType), new[] { "type", "parameter", "return_value", "validation", "entity", "constraint", "other" } },
        new object[] { typeof(ResolutionMethod), new[] { "user_selection", "ai_suggestion", "inference", "default" } },
    ];

    [TestCaseSource(nameof(SpecLists))]
    public void AllTexts_of_each_enum_equal_the_spec_list(Type enumType, string[] expected)
    {
        var method = typeof(SessionEnumText).GetMethod(nameof(SessionEnumText.AllTexts))!.MakeGenericMethod(enumType);

        var texts = (IReadOnlyList<string>)method.Invoke(null, null)!;

        Assert.That(texts, Is.EqualTo(expected));
    }

    [Test]
    public void ToText_then_Parse_returns_the_same_member_for_every_member()
    {
        foreach (var member in Enum.GetValues<HoleType>())
        {
            Assert.That(SessionEnumText.Parse<HoleType>(SessionEnumText.ToText(member)), Is.EqualTo(member));
        }
    }

    [Test]
    public void Parse_unknown_text_throws_format_exception_listing_allowed_values()
    {
        var ex = Assert.Throws<FormatException>(() => SessionEnumText.Parse<SessionStatus>("Active"));

        Assert.That(ex!.Message, Does.Contain("active, paused, finalized, error"));
    }

    [Test]
    public void TryParse_null_returns_false()
    {
        var parsed = SessionEnumText.TryParse<SessionSource>(null, out _);

        Assert.That(parsed, Is.False);
    }

    [Test]
    public void ToText_undefined_member_throws_argument_out_of_range_exception()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionEnumText.ToText((SessionStatus)42));
    }
}

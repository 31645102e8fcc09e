namespace LiftSys.Sessions.Tests;

public sealed class SessionTests
{
    private static readonly Guid UserId = Guid.Parse("6d2f4d4e-98f1-4c1a-9d44-0c7f3a4c2b11");

    [Test]
    public void StartFromPrompt_valid_input_starts_an_active_prompt_session_with_empty_metadata()
    {
        var session = Session.StartFromPrompt(UserId, "Write a function that adds two numbers");

        Assert.Multiple(() =>
        {
            Assert.That(session.Id, Is.Not.EqualTo(Guid.Empty));
            Assert.That(session.UserId, Is.EqualTo(UserId));
            Assert.That(session.Status, Is.EqualTo(SessionStatus.Active));
            Assert.That(session.Source, Is.EqualTo(SessionSource.Prompt));
            Assert.That(session.Metadata!.Value.GetRawText(), Is.EqualTo("{}"));
            Assert.That(session.FinalizedAt, Is.Null);
        });
    }

    [Test]
    public void StartFromCode_valid_input_starts_a_code_session()
    {
        var session = Session.StartFromCode(UserId, "def add(a, b): return a + b");

        Assert.That(session.Source, Is.EqualTo(SessionSource.Code));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t\n")]
    public void StartFromPrompt_blank_prompt_throws_naming_original_input(string prompt)
    {
        var ex = Assert.Throws<SessionValidationException>(() => Session.StartFromPrompt(UserId, prompt));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Field, Is.EqualTo("original_input"));
            Assert.That(ex.Rule, Is.EqualTo(ValidationRule.NotEmpty));
            Assert.That(ex.Message, Does.Contain("original_input"));
        });
    }

    [Test]
    public void StartFromPrompt_null_prompt_throws_Required()
    {
        var ex = Assert.Throws<SessionValidationException>(() => Session.StartFromPrompt(UserId, null!));

        Assert.That(ex!.Rule, Is.EqualTo(ValidationRule.Required));
    }

    [Test]
    public void StartFromPrompt_prompt_with_nul_throws_no_nul_character()
    {
        var ex = Assert.Throws<SessionValidationException>(() => Session.StartFromPrompt(UserId, "a\0b"));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("original_input", ValidationRule.NoNulCharacter)));
    }

    [Test]
    public void StartFromPrompt_prompt_over_the_limit_throws_max_length()
    {
        var prompt = new string('x', Guard.MaxTextLength + 1);

        var ex = Assert.Throws<SessionValidationException>(() => Session.StartFromPrompt(UserId, prompt));

        Assert.That(ex!.Rule, Is.EqualTo(ValidationRule.MaxLength));
    }

    [Test]
    public void StartFromPrompt_prompt_at_the_limit_is_accepted()
    {
        var prompt = new string('x', Guard.MaxTextLength);

        Assert.DoesNotThrow(() => Session.StartFromPrompt(UserId, prompt));
    }

    [Test]
    public void StartFromPrompt_empty_user_throws_naming_user_id()
    {
        var ex = Assert.Throws<SessionValidationException>(() => Session.StartFromPrompt(Guid.Empty, "prompt"));

        Assert.That(ex!.Field, Is.EqualTo("user_id"));
    }

    [TestCase("[]")]
    [TestCase("\"text\"")]
    [TestCase("null")]
    public void StartFromPrompt_metadata_that_is_not_an_object_throws_json_shape(string metadata)
    {
        var ex = Assert.Throws<SessionValidationException>(() => Session.StartFromPrompt(UserId, "p", Json.Parse(metadata)));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("metadata", ValidationRule.JsonShape)));
    }

    [Test]
    public void SetCurrentIr_object_is_stored()
    {
        var session = Session.StartFromPrompt(UserId, "p");

        session.SetCurrentIr(Json.Parse("""{"intent":{"summary":"add"}}"""));

        Assert.That(session.CurrentIr!.Value.GetProperty("intent").GetProperty("summary").GetString(), Is.EqualTo("add"));
    }

    [Test]
    public void SetCurrentIr_json_with_escaped_nul_throws_no_nul_character()
    {
        var session = Session.StartFromPrompt(UserId, "p");

        var ex = Assert.Throws<SessionValidationException>(() => session.SetCurrentIr(Json.Parse("""{"a":"x\u0000y"}""")));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("current_ir", ValidationRule.NoNulCharacter)));
    }

    [Test]
    public void SetCurrentIr_undefined_element_throws_json_shape()
    {
        var session = Session.StartFromPrompt(UserId, "p");

        var ex = Assert.Throws<SessionValidationException>(() => session.SetCurrentIr(default));

        Assert.That(ex!.Rule, Is.EqualTo(ValidationRule.JsonShape));
    }

    [Test]
    public void Pause_then_Resume_returns_to_active()
    {
        var session = Session.StartFromPrompt(UserId, "p");

        session.Pause();
        var paused = session.Status;
        session.Resume();

        Assert.That((paused, session.Status), Is.EqualTo((SessionStatus.Paused, SessionStatus.Active)));
    }

    [Test]
    public void Resume_active_session_throws_status_transition()
    {
        var session = Session.StartFromPrompt(UserId, "p");

        var ex = Assert.Throws<SessionValidationException>(session.Resume);

        Assert.Multiple(() =>
        {
            Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("status", ValidationRule.StatusTransition)));
            Assert.That(ex.Message, Does.Contain("from active to active"));
        });
    }

    [Test]
    public void MarkFinalized_stores_the_time_as_utc()
    {
        var session = Session.StartFromPrompt(UserId, "p");
        var at = new DateTimeOffset(2026, 1, 2, 12, 0, 0, TimeSpan.FromHours(2));

        session.MarkFinalized(at);

        Assert.Multiple(() =>
        {
            Assert.That(session.Status, Is.EqualTo(SessionStatus.Finalized));
            Assert.That(session.FinalizedAt, Is.EqualTo(at));
            Assert.That(session.FinalizedAt!.Value.Offset, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public void MarkFinalized_twice_throws_and_keeps_the_first_time()
    {
        var session = Session.StartFromPrompt(UserId, "p");
        var first = DateTimeOffset.UnixEpoch.AddYears(56);
        session.MarkFinalized(first);

        Assert.Throws<SessionValidationException>(() => session.MarkFinalized(first.AddHours(1)));
        Assert.That(session.FinalizedAt, Is.EqualTo(first));
    }

    [Test]
    public void SetCurrentCode_on_finalized_session_throws_status_transition()
    {
        var session = Session.StartFromPrompt(UserId, "p");
        session.MarkFinalized(DateTimeOffset.UtcNow);

        var ex = Assert.Throws<SessionValidationException>(() => session.SetCurrentCode("x = 1"));

        Assert.That((ex!.Field, ex.Rule), Is.EqualTo(("current_code", ValidationRule.StatusTransition)));
    }

    [Test]
    public void MarkError_on_errored_session_throws()
    {
        var session = Session.StartFromPrompt(UserId, "p");
        session.MarkError();

        Assert.Throws<SessionValidationException>(session.MarkError);
        Assert.That(session.Status, Is.EqualTo(SessionStatus.Error));
    }
}

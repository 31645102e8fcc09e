using System.Text.Json;
using LiftSys.Sessions.Security;

namespace LiftSys.Sessions.Tests.Security;

public sealed class SessionActorTests
{
    private static readonly Guid UserId = Guid.Parse("3f2b8c1e-5a4d-4e6f-8a9b-0c1d2e3f4a5b");

    [Test]
    public void ToClaimsJson_user_has_sub_role_and_additional_claims()
    {
        var actor = SessionActor.ForUser(UserId, new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement("a@b.c") });

        using var claims = JsonDocument.Parse(actor.ToClaimsJson());

        Assert.Multiple(() =>
        {
            Assert.That(claims.RootElement.GetProperty("sub").GetString(), Is.EqualTo(UserId.ToString()));
            Assert.That(claims.RootElement.GetProperty("role").GetString(), Is.EqualTo("authenticated"));
            Assert.That(claims.RootElement.GetProperty("email").GetString(), Is.EqualTo("a@b.c"));
            Assert.That(actor.DatabaseRole, Is.EqualTo("authenticated"));
        });
    }

    [Test]
    public void ToClaimsJson_escapes_quotes_so_a_claim_cannot_break_out_of_its_string()
    {
        const string hostile = "x\", \"sub\": \"00000000-0000-0000-0000-000000000000";
        var actor = SessionActor.ForUser(UserId, new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement(hostile) });

        using var claims = JsonDocument.Parse(actor.ToClaimsJson());

        Assert.Multiple(() =>
        {
            Assert.That(claims.RootElement.GetProperty("sub").GetString(), Is.EqualTo(UserId.ToString()));
            Assert.That(claims.RootElement.GetProperty("name").GetString(), Is.EqualTo(hostile));
        });
    }

    [TestCase("sub")]
    [TestCase("role")]
    public void ForUser_reserved_claim_throws(string claim)
    {
        var claims = new Dictionary<string, JsonElement> { [claim] = JsonSerializer.SerializeToElement("x") };

        Assert.Throws<ArgumentException>(() => SessionActor.ForUser(UserId, claims));
    }

    [Test]
    public void ForUser_empty_id_throws()
    {
        Assert.Throws<ArgumentException>(() => SessionActor.ForUser(Guid.Empty));
    }

    [Test]
    public void Anonymous_and_service_role_map_to_their_roles_without_sub()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SessionActor.Anonymous.ToClaimsJson(), Is.EqualTo("""{"role":"anon"}"""));
            Assert.That(SessionActor.ServiceRole.ToClaimsJson(), Is.EqualTo("""{"role":"service_role"}"""));
            Assert.That(SessionActor.ServiceRole.UserId, Is.Null);
        });
    }

    [Test]
    public void Equals_same_user_and_claims_is_true_and_other_user_is_false()
    {
        var first = SessionActor.ForUser(UserId);
        var second = SessionActor.ForUser(UserId);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(second));
            Assert.That(first, Is.Not.EqualTo(SessionActor.ForUser(Guid.NewGuid())));
        });
    }

    [Test]
    public void ToClaimsJson_called_again_returns_the_text_built_the_first_time()
    {
        // Arrange
        var actor = SessionActor.ForUser(UserId, new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement("a@b.c") });
        var first = actor.ToClaimsJson();

        // Act
        var second = actor.ToClaimsJson();

        // Assert
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void Equals_itself_is_true()
    {
        // Arrange
        var actor = SessionActor.ForUser(UserId);

        // Act
        var equal = actor.Equals(actor);

        // Assert
        Assert.That(equal, Is.True);
    }

    [Test]
    public void Equals_null_is_false()
    {
        // Arrange
        var actor = SessionActor.ForUser(UserId);

        // Act
        var equal = actor.Equals((SessionActor?)null);

        // Assert
        Assert.That(equal, Is.False);
    }

    [Test]
    public void Equals_other_kind_is_false()
    {
        // Arrange
        var actor = SessionActor.ForUser(UserId);

        // Act
        var equalities = (actor.Equals(SessionActor.ServiceRole), SessionActor.ServiceRole.Equals(SessionActor.Anonymous));

        // Assert
        Assert.That(equalities, Is.EqualTo((false, false)));
    }

    [Test]
    public void Equals_same_user_with_other_claims_is_false()
    {
        // Arrange
        var plain = SessionActor.ForUser(UserId);
        var withEmail = SessionActor.ForUser(UserId, new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement("a@b.c") });

        // Act
        var equal = plain.Equals(withEmail);

        // Assert
        Assert.That(equal, Is.False);
    }

    [Test]
    public void Equals_object_compares_as_an_actor_and_anything_else_is_unequal()
    {
        // Arrange
        var actor = SessionActor.ForUser(UserId);
        object sameUser = SessionActor.ForUser(UserId);
        object notAnActor = UserId;

        // Act
        var equalities = (actor.Equals(sameUser), actor.Equals(notAnActor), actor.Equals((object?)null));

        // Assert
        Assert.That(equalities, Is.EqualTo((true, false, false)));
    }

    [Test]
    public void GetHashCode_equal_actors_have_equal_hashes()
    {
        // Arrange
        var first = SessionActor.ForUser(UserId);
        var second = SessionActor.ForUser(UserId);

        // Act
        var (firstHash, secondHash) = (first.GetHashCode(), second.GetHashCode());

        // Assert
        Assert.That(firstHash, Is.EqualTo(secondHash));
    }

    [Test]
    public void ToString_names_the_kind_and_only_a_users_id()
    {
        // Arrange
        var user = SessionActor.ForUser(UserId);

        // Act
        var texts = new[] { user.ToString(), SessionActor.ServiceRole.ToString(), SessionActor.Anonymous.ToString() };

        // Assert
        Assert.That(texts, Is.EqualTo(new[] { $"user {UserId}", "service role", "anonymous" }));
    }
}

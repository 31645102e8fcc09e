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
}

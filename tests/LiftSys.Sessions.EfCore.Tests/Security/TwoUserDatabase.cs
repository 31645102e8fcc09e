using LiftSys.Sessions.EfCore.Security;
using LiftSys.Sessions.Security;
using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// A migrated database with a user-facing login and two users' sessions — two of <see cref="Alice"/>'s, one of
/// <see cref="Bob"/>'s — written as the service role through the app login, for the fixtures that check which rows an
/// actor's commands see.
/// </summary>
internal sealed class TwoUserDatabase : IAsyncDisposable
{
    private TwoUserDatabase(TestDatabase database, UserFacingLogin userLogin)
    {
        Database = database;
        UserLogin = userLogin;
    }

    public TestDatabase Database { get; }

    public UserFacingLogin UserLogin { get; }

    public Guid Alice { get; } = Guid.NewGuid();

    public Guid Bob { get; } = Guid.NewGuid();

    public static async Task<TwoUserDatabase> CreateAsync()
    {
        var database = await TestDatabase.CreateAsync();
        var data = new TwoUserDatabase(database, await UserFacingLogin.CreateAsync(database));
        using (SessionActorScope.BeginServiceRole("test setup"))
        {
            await using var context = new SessionsDbContext(new DbContextOptionsBuilder<SessionsDbContext>()
                .UseNpgsql(database.Server.AppConnectionString(database.Name))
                .UseLiftSysSessionsAuthorization(AmbientSessionActorAccessor.Instance)
                .Options);
            await using var transaction = await context.Database.BeginTransactionAsync();
            context.Sessions.AddRange(
                Session.StartFromPrompt(data.Alice, "alice 1"), Session.StartFromPrompt(data.Alice, "alice 2"), Session.StartFromPrompt(data.Bob, "bob 1"));
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        return data;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await UserLogin.DisposeAsync();
    }
}

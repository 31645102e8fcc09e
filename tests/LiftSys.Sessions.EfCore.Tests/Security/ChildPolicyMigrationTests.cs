using LiftSys.Sessions.TestSupport;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LiftSys.Sessions.EfCore.Tests.Security;

/// <summary>
/// Migration 009: the child tables' policies become one set-based sub-select per statement, every policy keeps its
/// name, command, role and kind, and its Down restores migration 005's definitions exactly. That the new policies
/// decide the same for every caller is the attack matrix's part (<see cref="RowLevelSecurityMatrixTests"/>, on every
/// <see cref="MatrixSchema"/>).
/// </summary>
public sealed class ChildPolicyMigrationTests
{
    private const string Migration008 = "20251019120008_HardenIsolation";

    [Test]
    public async Task Up_rewrites_only_the_child_policies_expressions_to_a_sub_select_on_sessions()
    {
        await using var before = await TestDatabase.CreateAsync(migrated: false);
        await MigrateAsync(before, Migration008);
        await using var after = await TestDatabase.CreateAsync();

        var (policiesBefore, policiesAfter) = (await PoliciesAsync(before), await PoliciesAsync(after));

        Assert.Multiple(() =>
        {
            Assert.That(policiesAfter.Select(p => p.Identity), Is.EqualTo(policiesBefore.Select(p => p.Identity)), "names, commands, roles and kinds");
            Assert.That(
                policiesAfter.Where(p => p.Table == "sessions").Select(p => p.Expressions),
                Is.EqualTo(policiesBefore.Where(p => p.Table == "sessions").Select(p => p.Expressions)),
                "the parent's policies already wrap auth.uid() in a sub-select");
            Assert.That(
                policiesAfter.Where(p => p.Table != "sessions").SelectMany(p => p.Parts),
                Has.All.EqualTo("(session_id IN ( SELECT s.id\n   FROM sessions s\n  WHERE (s.user_id = ( SELECT auth.uid() AS uid))))"));
            Assert.That(policiesBefore.Where(p => p.Table != "sessions").SelectMany(p => p.Parts), Has.All.StartWith("(EXISTS ( SELECT 1"));
        });
    }

    [Test]
    public async Task Down_restores_migration_005s_policies_and_up_again_equals_a_fresh_database()
    {
        await using var at008 = await TestDatabase.CreateAsync(migrated: false);
        await MigrateAsync(at008, Migration008);
        await using var fresh = await TestDatabase.CreateAsync();
        await using var database = await TestDatabase.CreateAsync();

        await MigrateAsync(database, Migration008);
        var afterDown = await PoliciesAsync(database);
        await MigrateAsync(database, null);
        var afterUpAgain = await PoliciesAsync(database);

        Assert.Multiple(async () =>
        {
            Assert.That(afterDown, Is.EqualTo(await PoliciesAsync(at008)));
            Assert.That(afterUpAgain, Is.EqualTo(await PoliciesAsync(fresh)));
        });
    }

    private static async Task MigrateAsync(TestDatabase database, string? target)
    {
        await using var context = database.CreateOwnerContext();
        await context.GetService<IMigrator>().MigrateAsync(target);
    }

    /// <summary>Every policy in public, as PostgreSQL deparses it, in a stable order.</summary>
    private static async Task<Policy[]> PoliciesAsync(TestDatabase database)
    {
        await using var connection = await database.OpenOwnerConnectionAsync();
        var rows = await connection.ScalarAsync<string[]>("""
            SELECT array_agg(concat_ws(E'\x1f', tablename, policyname, permissive, cmd, array_to_string(roles, ','), coalesce(qual, ''), coalesce(with_check, ''))
                             ORDER BY tablename, policyname)
            FROM pg_policies WHERE schemaname = 'public'
            """);
        return [.. rows!.Select(row => row.Split('\x1f')).Select(f => new Policy(f[0], $"{f[0]} {f[1]} {f[2]} {f[3]} {f[4]}", f[5], f[6]))];
    }

    private sealed record Policy(string Table, string Identity, string Using, string WithCheck)
    {
        public string Expressions => $"USING {Using} WITH CHECK {WithCheck}";

        public IEnumerable<string> Parts => new[] { Using, WithCheck }.Where(part => part.Length > 0);
    }
}

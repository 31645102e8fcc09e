using LiftSys.Sessions.EfCore.Store;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Store;

/// <summary>
/// The three rules <see cref="ExactlyOnceTransactions"/> decides by, on the exceptions they meet: which races it absorbs
/// by starting again, which unique violation means an earlier attempt of the same call committed, and which failure of a
/// one-statement write may still have committed. Pure mappings; the behaviour around them is proven with real faults in
/// <see cref="ExactlyOnceWriteTests"/>, <see cref="NumberingRaceTests"/> and the contract suites.
/// </summary>
public sealed class ExactlyOnceRulesTests
{
    [TestCase("40001", null, true)]
    [TestCase("40P01", null, true)]
    [TestCase("23505", "session_revisions_session_id_revision_number_key", true)]
    [TestCase("23505", "session_drafts_session_id_draft_number_key", true)]
    [TestCase("23505", "sessions_pkey", false)]
    [TestCase("23505", "hole_resolutions_session_id_ir_revision_id_hole_id_key", false)]
    [TestCase("23505", null, false)]
    [TestCase("23503", "session_revisions_session_id_revision_number_key", false)]
    public void IsAbsorbableRace_postgres_error_directly_or_inside_another_is_absorbed_only_for_races(string sqlState, string? constraint, bool expected)
    {
        var error = Postgres(sqlState, constraint);

        Assert.Multiple(() =>
        {
            Assert.That(ExactlyOnceTransactions.IsAbsorbableRace(error), Is.EqualTo(expected));
            Assert.That(ExactlyOnceTransactions.IsAbsorbableRace(new DbUpdateException("save", error)), Is.EqualTo(expected));
        });
    }

    [TestCase("sessions_pkey", true)]
    [TestCase("session_revisions_pkey", true)]
    [TestCase("session_drafts_pkey", true)]
    [TestCase("hole_resolutions_pkey", true)]
    [TestCase("session_revisions_session_id_revision_number_key", false)]
    [TestCase(null, false)]
    public void IsOwnKeyTaken_unique_violation_is_own_only_on_a_rows_primary_key(string? constraint, bool expected)
    {
        var error = Postgres("23505", constraint);

        Assert.Multiple(() =>
        {
            Assert.That(ExactlyOnceTransactions.IsOwnKeyTaken(error), Is.EqualTo(expected));
            Assert.That(ExactlyOnceTransactions.IsOwnKeyTaken(new InvalidOperationException("wrapped", error)), Is.EqualTo(expected));
        });
    }

    [Test]
    public void Rules_exceptions_without_a_postgres_error_are_neither_races_nor_own_keys()
    {
        var failures = new Exception[]
        {
            new InvalidOperationException("no cause"),
            new NpgsqlException("I/O", new IOException("reset")),
            new SessionNotFoundException(Guid.NewGuid()),
            Postgres("23514", "sessions_status_check"),
        };

        Assert.Multiple(() =>
        {
            Assert.That(failures.Select(ExactlyOnceTransactions.IsAbsorbableRace), Is.All.False);
            Assert.That(failures.Select(ExactlyOnceTransactions.IsOwnKeyTaken), Is.All.False);
        });
    }

    [TestCase("ERROR", false)]
    [TestCase("FATAL", true)]
    [TestCase("PANIC", true)]
    public void MayHaveCommitted_postgres_error_only_when_the_server_ended_the_connection(string severity, bool expected)
    {
        var error = Postgres("57P01", null, severity);

        Assert.Multiple(() =>
        {
            Assert.That(ExactlyOnceTransactions.MayHaveCommitted(error), Is.EqualTo(expected));
            Assert.That(ExactlyOnceTransactions.MayHaveCommitted(new InvalidOperationException("strategy", error)), Is.EqualTo(expected));
        });
    }

    [Test]
    public void MayHaveCommitted_connection_lost_yes_and_an_answer_no()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ExactlyOnceTransactions.MayHaveCommitted(new NpgsqlException("read", new IOException("reset"))), Is.True);
            Assert.That(
                ExactlyOnceTransactions.MayHaveCommitted(new InvalidOperationException("transient", new NpgsqlException("timeout", new TimeoutException()))),
                Is.True);
            Assert.That(ExactlyOnceTransactions.MayHaveCommitted(new SessionNotFoundException(Guid.NewGuid())), Is.False);
            Assert.That(ExactlyOnceTransactions.MayHaveCommitted(new ConcurrencyConflictException(Guid.NewGuid(), DateTimeOffset.UnixEpoch, null)), Is.False);
        });
    }

    private static PostgresException Postgres(string sqlState, string? constraint, string severity = "ERROR") =>
        new("test", severity, severity, sqlState, constraintName: constraint);
}

namespace LiftSys.Sessions.Tests.Store;

/// <summary>
/// What the store's failure exceptions carry for a host: the values it maps to an answer (Retry-After, which limit, which
/// write) and the driver's exception as the cause. The PostgreSQL store throws them; these tests pin what each keeps.
/// </summary>
public sealed class SessionStoreExceptionTests
{
    private static readonly Guid SessionId = Guid.Parse("5e55e55e-0000-4000-8000-000000000001");
    private static readonly Guid RowId = Guid.Parse("5e55e55e-0000-4000-8000-000000000002");
    private static readonly DateTimeOffset Expected = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void ConcurrencyConflict_actual_time_known_names_both_times()
    {
        // Arrange
        var actual = Expected.AddSeconds(1);

        // Act
        var exception = new ConcurrencyConflictException(SessionId, Expected, actual);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Does.Contain($"expected updated_at {Expected:O} but the session has {actual:O}."));
            Assert.That((exception.SessionId, exception.ExpectedUpdatedAt, exception.ActualUpdatedAt), Is.EqualTo((SessionId, Expected, (DateTimeOffset?)actual)));
        });
    }

    [Test]
    public void ConcurrencyConflict_actual_time_unknown_says_the_session_moved_on()
    {
        // Arrange
        DateTimeOffset? actual = null;

        // Act
        var exception = new ConcurrencyConflictException(SessionId, Expected, actual);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Does.EndWith($"expected updated_at {Expected:O} but the session has moved on."));
            Assert.That(exception.ActualUpdatedAt, Is.Null);
        });
    }

    [Test]
    public void WriteOutcomeUnknown_with_a_write_id_names_the_session_and_the_row()
    {
        // Arrange
        var cause = new IOException("connection reset while committing");

        // Act
        var exception = new SessionWriteOutcomeUnknownException("append_revision", SessionId, RowId, cause);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Does.StartWith($"The outcome of append_revision on session {SessionId} (row {RowId}) is unknown:"));
            Assert.That((exception.Operation, exception.SessionId, exception.WriteId), Is.EqualTo(("append_revision", SessionId, (Guid?)RowId)));
            Assert.That(exception.InnerException, Is.SameAs(cause));
            Assert.That(exception, Is.InstanceOf<LiftSysSessionsException>());
        });
    }

    [Test]
    public void WriteOutcomeUnknown_without_a_write_id_names_only_the_session()
    {
        // Arrange
        Guid? writeId = null;

        // Act
        var exception = new SessionWriteOutcomeUnknownException("create_session", SessionId, writeId, innerException: null);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Does.StartWith($"The outcome of create_session on session {SessionId} is unknown:"));
            Assert.That(exception.Message, Does.Not.Contain("(row"));
            Assert.That(exception.WriteId, Is.Null);
        });
    }

    [Test]
    public void Unavailable_keeps_message_retry_after_and_cause()
    {
        // Arrange
        var cause = new TimeoutException("connect timed out");
        var retryAfter = TimeSpan.FromSeconds(5);

        // Act
        var exception = new SessionStoreUnavailableException("The database is unreachable.", retryAfter, cause);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That((exception.Message, exception.RetryAfter), Is.EqualTo(("The database is unreachable.", retryAfter)));
            Assert.That(exception.InnerException, Is.SameAs(cause));
            Assert.That(exception, Is.InstanceOf<LiftSysSessionsException>());
        });
    }

    [Test]
    public void Timeout_keeps_limit_message_retry_after_and_cause()
    {
        // Arrange
        var cause = new TimeoutException("lock_timeout");
        var retryAfter = TimeSpan.FromSeconds(1);

        // Act
        var exception = new SessionStoreTimeoutException(SessionStoreTimeoutLimit.LockTimeout, "Waited too long for a lock.", retryAfter, cause);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(
                (exception.Limit, exception.Message, exception.RetryAfter),
                Is.EqualTo((SessionStoreTimeoutLimit.LockTimeout, "Waited too long for a lock.", retryAfter)));
            Assert.That(exception.InnerException, Is.SameAs(cause));
            Assert.That(exception, Is.InstanceOf<LiftSysSessionsException>());
        });
    }

    [Test]
    public void Failure_keeps_message_and_cause()
    {
        // Arrange
        var cause = new InvalidOperationException("unexpected driver state");

        // Act
        var exception = new SessionStoreFailureException("The database failed the operation.", cause);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Is.EqualTo("The database failed the operation."));
            Assert.That(exception.InnerException, Is.SameAs(cause));
            Assert.That(exception, Is.InstanceOf<LiftSysSessionsException>());
        });
    }
}

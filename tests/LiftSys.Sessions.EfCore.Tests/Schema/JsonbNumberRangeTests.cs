using System.Text;
using LiftSys.Sessions.TestSupport;
using Npgsql;

namespace LiftSys.Sessions.EfCore.Tests.Schema;

/// <summary>
/// The library's copy of PostgreSQL's <c>numeric</c> range (<see cref="PostgresNumeric"/>), which decides which JSON
/// numbers are refused before SQL, agrees with PostgreSQL itself on each side of every limit.
/// </summary>
public sealed class JsonbNumberRangeTests
{
    private TestDatabase database = null!;

    public static IEnumerable<string> Literals() =>
    [
        "0", "-0", "1", "-1.5", "1E+3", "1e-3", "123.456e-2",
        "1e131071", "9.9e131071", "-9.99e131071", "99999e131067", "0.00001e131076",
        "1e131072", "-1e131072", "10e131071", "0.00001e131077", "1e1000000",
        "1e-16383", "0e-16383", "1.5e-16382", "0.5e-16382", "-1e-16383",
        "1e-16384", "0e-16384", "0.0e-16383", "1.5e-16383", "1e-1000000",
        "0." + new string('1', 16383), "0." + new string('1', 16384), "0." + new string('0', 16383) + "e0",
        "1" + new string('0', 131071), "1" + new string('0', 131072),
        "0e1073741822", "0e1073741823", "0e-1073741823", "1e99999999999999999999",
    ];

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await TestDatabase.CreateAsync(migrated: false);

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [TestCaseSource(nameof(Literals))]
    public async Task IsInRange_json_number_agrees_with_what_jsonb_accepts(string literal)
    {
        // Arrange
        await using var connection = await database.OpenOwnerConnectionAsync();

        // Act
        var inRange = PostgresNumeric.IsInRange(Encoding.UTF8.GetBytes(literal));
        bool accepted;
        try
        {
            await connection.ExecuteAsync("SELECT $1::jsonb", literal);
            accepted = true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
        {
            accepted = false;
        }

        // Assert
        Assert.That(inRange, Is.EqualTo(accepted));
    }
}

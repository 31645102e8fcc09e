namespace LiftSys.Sessions.Benchmarks.Operations;

/// <summary>One operation measured through the library and through the raw baseline, doing the same work.</summary>
/// <param name="Name">The name in the tables.</param>
/// <param name="SpecTarget">The spec's target for it (section 8.1, or 8.3's "under 1 s for all operations").</param>
/// <param name="Keyed">Whether it reads or writes one session (or one user's page) by key: the 1.3× aim applies.</param>
/// <param name="Library">Runs it once through the library.</param>
/// <param name="Raw">Runs it once through the raw baseline.</param>
internal sealed record BenchmarkOperation(
    string Name, string SpecTarget, bool Keyed, Func<OperationContext, Task> Library, Func<OperationContext, Task> Raw);

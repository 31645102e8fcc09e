// Every fixture works in databases of its own (TestDatabase), so fixtures can run side by side; tests inside a
// fixture stay sequential so a fixture may share state between its tests.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]

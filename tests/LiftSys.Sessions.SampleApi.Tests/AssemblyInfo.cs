// Every fixture starts its own host on a database of its own, so fixtures can run side by side.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]

namespace LiftSys.Sessions.TestSupport;

/// <summary>
/// Runs code on a thread with a small stack, so that "too deep for the stack" happens at a depth a test can build
/// quickly (about a thousand levels of recursion instead of tens of thousands).
/// </summary>
public static class SmallStackThread
{
    /// <summary>The stack size of the thread: 256 KiB.</summary>
    public const int Size = 256 * 1024;

    /// <summary>Runs <paramref name="run"/> on a new thread with a <see cref="Size"/> stack and waits for it.</summary>
    /// <typeparam name="T">What it returns.</typeparam>
    /// <param name="run">The code.</param>
    /// <returns>What <paramref name="run"/> returned.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="run"/> threw; the exception is the inner one.</exception>
    public static T Run<T>(Func<T> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = run();
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            },
            Size);
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("The code threw on the small stack.", failure);
    }
}

namespace LiftSys.Sessions.EfCore.Tests.DependencyInjection;

internal static class ServiceCollectionTestExtensions
{
    /// <summary>Runs <paramref name="action"/> on <paramref name="value"/> and returns it, to build fixtures in one expression.</summary>
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}

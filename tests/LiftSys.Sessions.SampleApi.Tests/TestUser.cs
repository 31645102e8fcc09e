namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>A made-up user and a client that sends their token.</summary>
public sealed record TestUser(Guid Id, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

namespace Sideye.QueryServer.Capture;

/// <summary>A .NET process of the server's machine, as <c>GET /api/processes</c> lists it.</summary>
/// <param name="Pid">Its process id.</param>
/// <param name="Name">Its name as `sideye ps` shows it (the app's name for `dotnet App.dll`).</param>
/// <param name="CommandLine">Its command line, when readable.</param>
/// <param name="RuntimeVersion">The runtime it loaded, when known.</param>
public sealed record LiveProcess(int Pid, string Name, string? CommandLine, string? RuntimeVersion);

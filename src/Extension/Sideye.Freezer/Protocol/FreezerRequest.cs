namespace Sideye.Freezer.Protocol;

/// <summary>
/// One command to the freezer, a JSON line on its stdin: <c>freeze</c> (stop <see cref="Pids"/> at one instant,
/// clone each, resume them), <c>release</c> (kill and reap the clone of <see cref="Pid"/>) or <c>quit</c>.
/// The freezer answers each with one JSON line on stdout; end of input means quit.
/// </summary>
public sealed record FreezerRequest(string Op, IReadOnlyList<int>? Pids = null, int Pid = 0)
{
    public const string Freeze = "freeze";
    public const string Release = "release";
    public const string Quit = "quit";
}

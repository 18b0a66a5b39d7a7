using System.Runtime.InteropServices;
using System.Text.Json;
using Sideye.Freezer.Protocol;

namespace Sideye.Freezer;

/// <summary>
/// sideye-freezer: reads <see cref="FreezerRequest"/> lines on stdin and answers each with one JSON line on stdout;
/// diagnostics go to stderr. Ends on <c>quit</c>, end of input or its caller's death (SIGKILL, a crash: see
/// <see cref="CallerInput"/>), and then first kills and reaps every clone it still holds. Terminal signals are ignored so that Ctrl-C on the caller's terminal
/// cannot stop it in the middle of an injection; it finishes what it started, then sees its input end.
/// </summary>
internal static class Program
{
    private static int Main()
    {
        using var ignoreInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var ignoreQuit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => c.Cancel = true);
        using var ignoreHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true);
        using var ignoreTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true);
        ProcFs.TryWrite("/proc/self/oom_score_adj", "-1000"); // of the two, the OOM killer must pick the clone
        var freezer = new CloneFreezer(message => Console.Error.WriteLine("sideye-freezer: " + message));
        var input = new CallerInput(Console.In);
        Console.Out.Flush();
        try
        {
            while (input.Next() is string line)
            {
                if (line.Length == 0)
                    continue;
                FreezerRequest? request;
                try
                {
                    request = JsonSerializer.Deserialize(line, FreezerJson.Default.FreezerRequest);
                }
                catch (JsonException e)
                {
                    Answer(JsonSerializer.Serialize(new ReleaseReply(0, false, -1, $"not a request: {e.Message}"), FreezerJson.Default.ReleaseReply));
                    continue;
                }
                if (request is null || request.Op == FreezerRequest.Quit)
                    break;
                string reply = request.Op switch
                {
                    FreezerRequest.Freeze => JsonSerializer.Serialize(freezer.Freeze(request.Pids ?? []), FreezerJson.Default.FreezeReply),
                    FreezerRequest.Release => JsonSerializer.Serialize(freezer.Release(request.Pid), FreezerJson.Default.ReleaseReply),
                    _ => JsonSerializer.Serialize(new ReleaseReply(0, false, -1, $"unknown op '{request.Op}'"), FreezerJson.Default.ReleaseReply),
                };
                Answer(reply);
            }
        }
        finally
        {
            if (input.Ended.Length > 0 && freezer.Clones.Count > 0)
                Console.Error.WriteLine($"sideye-freezer: {input.Ended}: killing the {freezer.Clones.Count} clone(s) it left");
            foreach (int pid in freezer.Clones.Keys.ToList())
                freezer.Release(pid);
        }
        return 0;
    }

    private static void Answer(string line)
    {
        try
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
        catch (IOException)
        {
            // the caller is gone; the loop sees the end of its input next
        }
    }
}

namespace Sideye.Capture;

/// <summary>
/// For the fault tests only: with SIDEYE_TEST_HOLD=&lt;step&gt;[,&lt;step&gt;...] the capture says "hold &lt;step&gt;" and
/// waits a few seconds at that step, so a test can kill a process there, or see a walk that reads nothing for that
/// long ("walk-silent": a clone's first walk, "walk-silent-again": the walks of the clones taken after it). (The
/// freezer's own steps use SIDEYE_FREEZER_HOLD.) SIDEYE_TEST_CRASH=&lt;step&gt; kills the capture's process with SIGSEGV
/// at that step, in its first attempt (SIDEYE_CAPTURE_ATTEMPT, set by the CLI's crash isolation) only.
/// </summary>
internal static class TestHold
{
    public static void At(string step, Action<string> progress)
    {
        if (Environment.GetEnvironmentVariable("SIDEYE_TEST_HOLD") is not { } steps || !steps.Split(',').Contains(step))
            return;
        progress($"hold {step}");
        Thread.Sleep(TimeSpan.FromSeconds(3));
    }

    public static void CrashAt(string step, Action<string> progress)
    {
        if (Environment.GetEnvironmentVariable("SIDEYE_TEST_CRASH") != step || Environment.GetEnvironmentVariable("SIDEYE_CAPTURE_ATTEMPT") != "1")
            return;
        progress($"crash {step}");
        Target.Posix.Segfault();
        Thread.Sleep(Timeout.Infinite);
    }
}

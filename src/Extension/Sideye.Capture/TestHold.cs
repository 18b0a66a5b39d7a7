namespace Sideye.Capture;

/// <summary>
/// For the fault tests only: with SIDEYE_TEST_HOLD=&lt;step&gt; the capture says "hold &lt;step&gt;" and waits a few
/// seconds at that step, so a test can kill a process there. (The freezer's own steps use SIDEYE_FREEZER_HOLD.)
/// </summary>
internal static class TestHold
{
    public static void At(string step, Action<string> progress)
    {
        if (Environment.GetEnvironmentVariable("SIDEYE_TEST_HOLD") != step)
            return;
        progress($"hold {step}");
        Thread.Sleep(TimeSpan.FromSeconds(3));
    }
}

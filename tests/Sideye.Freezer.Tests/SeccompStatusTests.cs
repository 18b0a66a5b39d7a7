using Sideye.Freezer.Seccomp;

namespace Sideye.Freezer.Tests;

public sealed class SeccompStatusTests
{
    private const string Status = "Name:\tdotnet\nState:\tS (sleeping)\nNoNewPrivs:\t1\nSeccomp:\t{0}\nSeccomp_filters:\t3\nSpeculation_Store_Bypass:\tthread vulnerable\n";

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("3", 3)]
    public void ReadsTheSeccompLineNotSeccompFilters(string value, int expected) =>
        Assert.Equal((SeccompMode)expected, SeccompStatus.ParseMode(string.Format(System.Globalization.CultureInfo.InvariantCulture, Status, value)));

    [Fact]
    public void NoSeccompLineMeansAKernelWithoutSeccomp() =>
        Assert.Equal(SeccompMode.Disabled, SeccompStatus.ParseMode("Name:\tdotnet\nState:\tR (running)\n"));

    [Fact]
    public void ReadsThisProcessAndEachOfItsThreads()
    {
        Assert.True(SeccompStatus.TryReadMode(Environment.ProcessId, out SeccompMode mode, out string? error), error);
        Assert.Equal(SeccompMode.Disabled, mode);

        // A thread id that is not the process id is found under /proc too.
        int other = Directory.GetDirectories($"/proc/{Environment.ProcessId}/task")
            .Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture))
            .First(tid => tid != Environment.ProcessId);
        Assert.True(SeccompStatus.TryReadMode(other, out mode, out error), error);
        Assert.Equal(SeccompMode.Disabled, mode);
    }
}

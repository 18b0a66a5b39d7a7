namespace Sideye.Freezer;

internal static class Program
{
    private static int Main() => 0;
}

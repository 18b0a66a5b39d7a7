namespace Sideye.Capture.Tests;

/// <summary>
/// A debuggee written by the test into a temporary folder and built once (Release). Three frames with
/// known values:
/// <list type="bullet">
/// <item><c>Probe.Program.Typed</c>: unoptimized (NoOptimization), arguments and locals of type int, long,
/// bool, double, string, a 16-byte struct and an object, blocked in Thread.Sleep.</item>
/// <item><c>Probe.Program.NativeWait</c>: fully optimized, values in callee-saved registers across a
/// P/Invoke to libc getchar (blocked on the never-written stdin), whose native code reuses those registers.</item>
/// <item><c>Probe.Program.Outer</c>: fully optimized caller of NativeWait, values in registers.</item>
/// </list>
/// </summary>
public sealed class DacDebuggee : IDisposable
{
    public const long OuterArgument = 0x1234_5678_9ABC;

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <DebugType>portable</DebugType>
          </PropertyGroup>
        </Project>
        """;

    private const string Source = """
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;

        namespace Probe;

        public struct Point
        {
            public int X;
            public int Y;
            public long Z;
        }

        public sealed class Holder
        {
            public string Name = "holder-object";
        }

        public static class Program
        {
            private static readonly CountdownEvent Ready = new(2);

            [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
            public static void Typed(int i, long l, bool b, double d, string s, Point p, object o)
            {
                int li = 42;
                long ll = -5_000_000_000;
                bool lb = true;
                double ld = 3.25;
                string ls = "local-string";
                Point lp = new Point { X = 1, Y = 2, Z = 3 };
                object lo = new Holder();
                Ready.Signal();
                Thread.Sleep(Timeout.Infinite);
                Console.WriteLine($"{i} {l} {b} {d} {s} {p.X} {o} {li} {ll} {lb} {ld} {ls} {lp.Z} {lo}");
            }

            [DllImport("libc", EntryPoint = "getchar")]
            private static extern int GetChar();

            [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
            public static int NativeWait(int seed, long other)
            {
                int a = seed * 7 + 3;
                long b = other ^ 0x5555;
                Ready.Signal();
                GetChar();
                return a * 2 + seed + (int)b + (int)other;
            }

            [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
            public static long Outer(long x)
            {
                long keep = x * 5 + 1;
                int other = (int)x - 3;
                long r = NativeWait(other, x);
                return r + keep + other;
            }

            public static void Main()
            {
                new Thread(() => Typed(7, 1L << 40, true, 2.5, "arg-string", new Point { X = 10, Y = 20, Z = 30 }, new Holder())) { IsBackground = true }.Start();
                new Thread(() => Outer(0x1234_5678_9ABC)) { IsBackground = true }.Start();
                Ready.Wait();
                Thread.Sleep(300);
                Console.WriteLine($"READY {Environment.ProcessId}");
                Thread.Sleep(Timeout.Infinite);
            }
        }
        """;

    private readonly string _workDirectory;

    public DacDebuggee()
    {
        _workDirectory = DacTestProcesses.NewWorkDirectory("sideye-dac-debuggee-");
        string sourceDirectory = Directory.CreateDirectory(Path.Combine(_workDirectory, "src")).FullName;
        string projectFile = Path.Combine(sourceDirectory, "Probe.csproj");
        File.WriteAllText(projectFile, Project);
        File.WriteAllText(Path.Combine(sourceDirectory, "Program.cs"), Source);
        AssemblyPath = Path.Combine(DacTestProcesses.Build(projectFile, _workDirectory), "Probe.dll");
    }

    public string AssemblyPath { get; }

    /// <summary>A folder for dumps and other scratch files, deleted with the fixture.</summary>
    public string ScratchDirectory => _workDirectory;

    /// <summary>Starts the debuggee and waits for its "READY pid" line; disposing the result kills it.</summary>
    public DacDebuggeeProcess Start() => DacTestProcesses.Start(AssemblyPath);

    public void Dispose() => DacTestProcesses.DeleteDirectory(_workDirectory);
}

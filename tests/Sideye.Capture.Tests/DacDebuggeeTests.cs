using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Dac;

namespace Sideye.Capture.Tests;

/// <summary>
/// Values of several types, structs, registers of optimized code and the native-transition rule, read
/// live (attached) and from a full core dump of <see cref="DacDebuggee"/>.
/// </summary>
public sealed class DacDebuggeeTests : IClassFixture<DacDebuggee>
{
    /// <summary>Outer's <c>other</c>: (int)x - 3, as the debuggee computes it (unchecked).</summary>
    private static readonly int OuterOther = unchecked((int)DacDebuggee.OuterArgument - 3);

    private readonly DacDebuggee _debuggee;

    public DacDebuggeeTests(DacDebuggee debuggee) => _debuggee = debuggee;

    [Fact]
    public void ValuesOfEveryKindAreReadByNameFromALiveProcess()
    {
        DacDebuggeeProcess process = _debuggee.Start();
        try
        {
            using (DataTarget target = DataTarget.AttachToProcess(process.Id, suspend: true))
                AssertTypedFrame(target);

            DacTestProcesses.AssertRunningAndDetached(process);
        }
        finally
        {
            process.Dispose();
        }
    }

    [Fact]
    public void ValuesOfEveryKindAreReadByNameFromAFullCoreDump()
    {
        string dump = Path.Combine(_debuggee.ScratchDirectory, $"probe-{Guid.NewGuid():N}.core");
        DacDebuggeeProcess process = _debuggee.Start();
        try
        {
            DacTestProcesses.CreateDump(process.Id, dump);
        }
        finally
        {
            process.Dispose();
        }

        try
        {
            using DataTarget target = DataTarget.LoadDump(dump);
            AssertTypedFrame(target);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    [Fact]
    public void RegisterValuesAreRightOrUnavailableAcrossAPInvoke()
    {
        DacDebuggeeProcess process = _debuggee.Start();
        try
        {
            using (DataTarget target = DataTarget.AttachToProcess(process.Id, suspend: true))
            {
                Dictionary<string, Dictionary<string, NamedVariable>> frames = ReadFrames(target, out _, "NativeWait", "Outer");

                // getchar's native code reuses the callee-saved registers NativeWait keeps its values in, and
                // the InlinedCallFrame below it records none of them: those values must not be reported.
                foreach (NamedVariable variable in frames["NativeWait"].Values)
                {
                    if (variable.Unavailable is not null)
                        continue;

                    Assert.NotNull(variable.Address); // only memory-held values can be trusted here
                    long expected = variable.Name switch
                    {
                        "seed" => OuterOther,
                        "other" => DacDebuggee.OuterArgument,
                        "a" => unchecked((OuterOther * 7) + 3),
                        "b" => DacDebuggee.OuterArgument ^ 0x5555,
                        _ => throw new Xunit.Sdk.XunitException($"unexpected variable {variable.Name}"),
                    };
                    Assert.Equal(expected, ToInt64(variable.Bytes!));
                }

                Assert.Contains(frames["NativeWait"].Values, v => v.Unavailable?.Contains("native transition", StringComparison.Ordinal) == true);

                // Outer's registers were saved by NativeWait's prolog and restored by unwinding it.
                Dictionary<string, NamedVariable> outer = frames["Outer"];
                Assert.True(outer.ContainsKey("keep") && outer.ContainsKey("other"), "Outer's locals are listed");
                foreach (NamedVariable variable in outer.Values.Where(v => v.Unavailable is null && v.Name != "r"))
                {
                    long expected = variable.Name switch
                    {
                        "x" => DacDebuggee.OuterArgument,
                        "keep" => (DacDebuggee.OuterArgument * 5) + 1,
                        "other" => OuterOther,
                        _ => throw new Xunit.Sdk.XunitException($"unexpected variable {variable.Name}"),
                    };
                    Assert.Equal(expected, ToInt64(variable.Bytes!));
                }
            }

            DacTestProcesses.AssertRunningAndDetached(process);
        }
        finally
        {
            process.Dispose();
        }
    }

    private static void AssertTypedFrame(DataTarget target)
    {
        Dictionary<string, NamedVariable> typed = ReadFrames(target, out ClrRuntime runtime, "Typed")["Typed"];
        using (runtime)
        {
            Assert.Equal(7, BitConverter.ToInt32(Value(typed, "i", "int", isArgument: true)));
            Assert.Equal(1L << 40, BitConverter.ToInt64(Value(typed, "l", "long", isArgument: true)));
            Assert.Equal(new byte[] { 1 }, Value(typed, "b", "bool", isArgument: true));
            Assert.Equal(2.5, BitConverter.ToDouble(Value(typed, "d", "double", isArgument: true)));
            Assert.Equal("arg-string", StringAt(runtime, Value(typed, "s", "string", isArgument: true)));
            AssertPoint(Value(typed, "p", "Probe.Point", isArgument: true), 10, 20, 30);
            Assert.Equal("Probe.Holder", ObjectAt(runtime, Value(typed, "o", "object", isArgument: true)).Type?.Name);

            Assert.Equal(42, BitConverter.ToInt32(Value(typed, "li", "int", isArgument: false)));
            Assert.Equal(-5_000_000_000, BitConverter.ToInt64(Value(typed, "ll", "long", isArgument: false)));
            Assert.Equal(new byte[] { 1 }, Value(typed, "lb", "bool", isArgument: false));
            Assert.Equal(3.25, BitConverter.ToDouble(Value(typed, "ld", "double", isArgument: false)));
            Assert.Equal("local-string", StringAt(runtime, Value(typed, "ls", "string", isArgument: false)));
            AssertPoint(Value(typed, "lp", "Probe.Point", isArgument: false), 1, 2, 3);
            ClrObject holder = ObjectAt(runtime, Value(typed, "lo", "object", isArgument: false));
            Assert.Equal("holder-object", holder.ReadStringField("Name"));
        }
    }

    /// <summary>Reads the variables of the named Probe.Program methods' frames, by method and variable name.</summary>
    private static Dictionary<string, Dictionary<string, NamedVariable>> ReadFrames(DataTarget target, out ClrRuntime runtime, params string[] methods)
    {
        ClrInfo clr = Assert.Single(target.ClrVersions);
        string dacPath = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
        runtime = clr.CreateRuntime(dacPath, ignoreMismatch: true);
        using DacFrameReader dac = DacFrameReader.Create(target, dacPath);
        using var symbols = new PdbLocals();
        var reader = new FrameVariables(dac, symbols);

        var result = new Dictionary<string, Dictionary<string, NamedVariable>>();
        foreach (ClrThread thread in runtime.Threads)
        {
            List<ClrStackFrame> frames = thread.EnumerateStackTrace().ToList();
            IReadOnlyList<FrameVariableList> lists = reader.Read(thread, frames);
            for (int i = 0; i < frames.Count; i++)
            {
                if (frames[i].Method is { Type.Name: "Probe.Program" } method && methods.Contains(method.Name))
                    result[method.Name!] = lists[i].Variables.ToDictionary(v => v.Name);
            }
        }

        Assert.Equal(methods.Order(), result.Keys.Order());
        return result;
    }

    private static byte[] Value(Dictionary<string, NamedVariable> variables, string name, string typeName, bool isArgument)
    {
        NamedVariable variable = variables[name];
        Assert.Equal(typeName, variable.TypeName);
        Assert.Equal(isArgument, variable.IsArgument);
        Assert.Null(variable.Unavailable);
        Assert.NotNull(variable.Address); // unoptimized code keeps everything on the stack
        return variable.Bytes ?? throw new Xunit.Sdk.XunitException($"{name} has no bytes");
    }

    private static void AssertPoint(byte[] bytes, int x, int y, long z)
    {
        Assert.Equal(16, bytes.Length);
        Assert.Equal(x, BitConverter.ToInt32(bytes, 0));
        Assert.Equal(y, BitConverter.ToInt32(bytes, 4));
        Assert.Equal(z, BitConverter.ToInt64(bytes, 8));
    }

    private static ClrObject ObjectAt(ClrRuntime runtime, byte[] reference)
    {
        ClrObject value = runtime.Heap.GetObject(BitConverter.ToUInt64(reference));
        Assert.True(value.IsValid);
        return value;
    }

    private static string? StringAt(ClrRuntime runtime, byte[] reference) => ObjectAt(runtime, reference).AsString();

    private static long ToInt64(byte[] bytes) => bytes.Length switch
    {
        4 => BitConverter.ToInt32(bytes),
        8 => BitConverter.ToInt64(bytes),
        _ => throw new Xunit.Sdk.XunitException($"unexpected size {bytes.Length}"),
    };
}

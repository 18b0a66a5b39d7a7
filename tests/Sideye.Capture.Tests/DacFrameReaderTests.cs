using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Dac;

namespace Sideye.Capture.Tests;

/// <summary>
/// Reads the contract target's known values through our own DAC instance: thread "waiter" is blocked in
/// Contract.Waiter.Wait with locals n = 7 and label = "seven". Each test starts its own copy of the target,
/// attaches with ptrace (suspending it), reads, detaches, checks the target runs on, and kills it.
/// </summary>
public sealed class DacFrameReaderTests : IClassFixture<DacContractTarget>
{
    private readonly DacContractTarget _target;

    public DacFrameReaderTests(DacContractTarget target) => _target = target;

    [Fact]
    public void WaiterLocalsAreReadByNameWithTheirValues()
    {
        WithAttachedTarget(environment: null, (runtime, dac) =>
        {
            using var symbols = new PdbLocals();
            (ClrThread thread, List<ClrStackFrame> frames, int waitIndex) = FindWaiter(runtime);

            IReadOnlyList<FrameVariableList> lists = new FrameVariables(dac, symbols).Read(thread, frames);

            Assert.Equal(frames.Count, lists.Count);
            FrameVariableList wait = lists[waitIndex];
            Assert.Equal(frames[waitIndex].StackPointer, wait.StackPointer);
            Assert.True(wait.ILOffset >= 0, "the blocked call in Wait maps to an IL offset");

            NamedVariable n = Assert.Single(wait.Variables, v => v.Name == "n");
            Assert.False(n.IsArgument);
            Assert.Equal("int", n.TypeName);
            Assert.Null(n.Unavailable);
            Assert.NotNull(n.Address);
            Assert.Equal(7, Int32Of(n.Bytes));

            NamedVariable label = Assert.Single(wait.Variables, v => v.Name == "label");
            Assert.Equal("string", label.TypeName);
            Assert.Null(label.Unavailable);
            Assert.Equal("seven", runtime.Heap.GetObject(PointerOf(label.Bytes)).AsString());

            // Runtime frames (the P/Invoke transition in Thread.Sleep) carry a reason, not variables.
            Assert.All(
                lists.Where((_, i) => frames[i].Kind != ClrStackFrameKind.ManagedMethod),
                l => Assert.NotNull(l.Unavailable));
        });
    }

    [Fact]
    public void RawWalkGivesLocalBytesArgumentNamesAndMatchingStackPointers()
    {
        WithAttachedTarget(environment: null, (runtime, dac) =>
        {
            (ClrThread thread, List<ClrStackFrame> frames, int waitIndex) = FindWaiter(runtime);

            IReadOnlyList<DacFrame> walked = dac.WalkThread(thread.OSThreadId);

            DacFrame wait = Assert.Single(walked, f => f.CodeName?.Contains("Contract.Waiter.Wait", StringComparison.Ordinal) == true);
            Assert.Equal(frames[waitIndex].StackPointer, wait.StackPointer);
            Assert.Equal(frames[waitIndex].InstructionPointer, wait.InstructionPointer);
            Assert.Empty(wait.Arguments);

            DacVariable n = wait.Locals[0];
            Assert.Null(n.Unavailable);
            Assert.Equal(new byte[] { 7, 0, 0, 0 }, n.Bytes);
            Assert.Equal(4UL, n.Size);
            Assert.True(n.Kind.HasFlag(DacValueKind.Primitive));
            Assert.Equal(DacLocationKind.Memory, n.Location?.Kind);

            DacVariable label = wait.Locals[1];
            Assert.True(label.Kind.HasFlag(DacValueKind.Reference));
            Assert.Equal("seven", runtime.Heap.GetObject(PointerOf(label.Bytes)).AsString());

            // Argument names come from the DAC: Thread.Sleep(int millisecondsTimeout) is the innermost frame.
            DacFrame sleep = walked[0];
            Assert.Contains("Thread.Sleep", sleep.CodeName, StringComparison.Ordinal);
            Assert.Equal("millisecondsTimeout", Assert.Single(sleep.Arguments).Name);

            // Every managed frame ClrMD sees is in the DAC's walk at the same stack pointer.
            Assert.All(
                frames.Where(f => f.Kind == ClrStackFrameKind.ManagedMethod),
                f => Assert.Contains(walked, w => w.StackPointer == f.StackPointer));
        });
    }

    [Fact]
    public void FullyOptimizedCodeGivesTheRightValueOrAReason()
    {
        var environment = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" };
        WithAttachedTarget(environment, (runtime, dac) =>
        {
            using var symbols = new PdbLocals();
            (ClrThread thread, List<ClrStackFrame> frames, int waitIndex) = FindWaiter(runtime);

            FrameVariableList wait = new FrameVariables(dac, symbols).Read(thread, frames)[waitIndex];

            int read = 0;
            foreach (NamedVariable variable in wait.Variables)
            {
                if (variable.Unavailable is not null)
                {
                    Assert.Null(variable.Bytes);
                    continue;
                }
                read++;

                switch (variable.Name)
                {
                    case "n":
                        Assert.Equal(7, Int32Of(variable.Bytes));
                        break;
                    case "label":
                        Assert.Equal("seven", runtime.Heap.GetObject(PointerOf(variable.Bytes)).AsString());
                        break;
                    default:
                        Assert.Fail($"unexpected variable {variable.Name}");
                        break;
                }
            }
            // Optimized code may lose a value, never all of them here (n is live across the wait): a test that skips
            // every unavailable value would otherwise pass with nothing checked.
            Assert.True(read > 0, $"no variable of the optimized frame was read: {string.Join("; ", wait.Variables.Select(v => $"{v.Name}: {v.Unavailable}"))}");
        });
    }

    /// <summary>
    /// Thread frames' IL offsets in JIT-compiled code are decoded from the JIT's debug info rather than asked of the DAC
    /// (whose way there can crash it on .NET 11): at every byte of the code of every JIT-compiled method on a stack or
    /// in the target's own assembly, tier 0 and fully optimized, the decoded offset is the DAC's.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DecodedILOffsetsOfThreadFramesAreTheDacsAtEveryAddress(bool optimized)
    {
        Dictionary<string, string>? environment = optimized ? new() { ["DOTNET_TieredCompilation"] = "0" } : null;
        WithAttachedTarget(environment, (runtime, dac) =>
        {
            IEnumerable<ulong> onStacks = runtime.Threads.SelectMany(t => t.EnumerateStackTrace())
                .Where(f => f.Method is not null).Select(f => f.InstructionPointer);
            IEnumerable<ulong> ownMethods = runtime.EnumerateModules()
                .Where(m => m.Name?.EndsWith("ContractTarget.dll", StringComparison.Ordinal) == true)
                .SelectMany(m => m.EnumerateTypeDefToMethodTableMap())
                .SelectMany(map => runtime.GetTypeByMethodTable(map.MethodTable)?.Methods ?? [])
                .Select(m => m.NativeCode).Where(code => code is not 0 and not ulong.MaxValue);
            var methods = new HashSet<ulong>();
            int addresses = 0, mapped = 0;
            foreach (ulong code in onStacks.Concat(ownMethods))
            {
                if (code == 0 || dac.ILOffsetFromDebugInfo(code) is null)
                    continue; // not JIT-compiled (ReadyToRun framework code): the DAC still answers those
                (ulong start, uint size) = dac.CodeRangeAt(code) ?? throw new Xunit.Sdk.XunitException($"no code range at {code:x}");
                if (!methods.Add(start))
                    continue;
                Assert.InRange(size, 1u, 1u << 20);
                for (ulong address = start; address < start + size; address++)
                {
                    int decoded = dac.ILOffsetFromDebugInfo(address) ?? throw new Xunit.Sdk.XunitException($"no map at {address:x}");
                    int expected = dac.ILOffsetByMethodInstance(address);
                    Assert.True(expected == decoded, $"{start:x} +0x{address - start:x}: decoded {decoded}, the DAC's {expected}");
                    addresses++;
                    if (decoded >= 0)
                        mapped++;
                }
            }
            // Main, Waiter.Wait, the jobs' state machines at least: never a vacuous pass.
            Assert.True(methods.Count >= 4, $"only {methods.Count} JIT-compiled methods found");
            Assert.True(mapped > addresses / 2, $"{mapped} of {addresses} addresses mapped to an IL offset");
        });
    }

    [Fact]
    public void AMissingDacIsAnErrorNamingThePathAndTheRuntime()
    {
        DacDebuggeeProcess process = _target.Start();
        try
        {
            using DataTarget target = DataTarget.AttachToProcess(process.Id, suspend: true);
            string missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libmscordaccore.so");

            DacLoadException error = Assert.Throws<DacLoadException>(() => DacFrameReader.Create(target, missing));

            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
            Assert.Contains("libcoreclr.so", error.Runtime, StringComparison.Ordinal);
        }
        finally
        {
            process.Dispose();
        }
    }

    [Fact]
    public void PdbLocalsNamesAndTypesTheSlotsOfWait()
    {
        using var symbols = new PdbLocals();
        int wait = MethodToken(_target.AssemblyPath, "Contract.Waiter", "Wait");
        int runAsync = MethodToken(_target.AssemblyPath, "Contract.Jobs", "RunAsync");

        Assert.True(symbols.Preload(_target.AssemblyPath));
        MethodSymbols? atStart = symbols.GetMethod(_target.AssemblyPath, wait, ilOffset: 0);
        MethodSymbols? unknownOffset = symbols.GetMethod(_target.AssemblyPath, wait, ilOffset: -1);
        MethodSymbols? jobs = symbols.GetMethod(_target.AssemblyPath, runAsync, ilOffset: 0);

        Assert.NotNull(atStart);
        Assert.True(atStart.HasPdb);
        Assert.Null(atStart.ThisType);
        Assert.Equal("n", atStart.LocalNames[0]);
        Assert.Equal("label", atStart.LocalNames[1]);
        Assert.Equal("int", atStart.LocalTypes[0].Name);
        Assert.Equal("string", atStart.LocalTypes[1].Name);
        Assert.Equal(atStart.LocalNames.Take(2), unknownOffset?.LocalNames.Take(2));

        Assert.NotNull(jobs);
        Assert.Equal("jobId", Assert.Single(jobs.ParameterNames));
        Assert.Equal("int", Assert.Single(jobs.ParameterTypes).Name);
        Assert.Null(symbols.GetMethod(Path.Combine(Path.GetTempPath(), "missing.dll"), wait, 0));
    }

    private void WithAttachedTarget(IReadOnlyDictionary<string, string>? environment, Action<ClrRuntime, DacFrameReader> test)
    {
        DacDebuggeeProcess process = _target.Start(environment);
        try
        {
            using (DataTarget target = DataTarget.AttachToProcess(process.Id, suspend: true))
            {
                ClrInfo clr = Assert.Single(target.ClrVersions);
                string dacPath = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
                using ClrRuntime runtime = clr.CreateRuntime(dacPath, ignoreMismatch: true);
                using DacFrameReader dac = DacFrameReader.Create(target, dacPath);
                test(runtime, dac);
            }

            DacTestProcesses.AssertRunningAndDetached(process);
        }
        finally
        {
            process.Dispose();
        }
    }

    private static (ClrThread Thread, List<ClrStackFrame> Frames, int WaitIndex) FindWaiter(ClrRuntime runtime)
    {
        foreach (ClrThread thread in runtime.Threads)
        {
            List<ClrStackFrame> frames = thread.EnumerateStackTrace().ToList();
            int index = frames.FindIndex(f => f.Method is { Name: "Wait", Type.Name: "Contract.Waiter" });
            if (index >= 0)
                return (thread, frames, index);
        }

        throw new Xunit.Sdk.XunitException("no thread is in Contract.Waiter.Wait");
    }

    private static int Int32Of(byte[]? bytes)
    {
        Assert.NotNull(bytes);
        Assert.Equal(sizeof(int), bytes.Length);
        return BitConverter.ToInt32(bytes);
    }

    private static ulong PointerOf(byte[]? bytes)
    {
        Assert.NotNull(bytes);
        Assert.Equal(sizeof(ulong), bytes.Length);
        return BitConverter.ToUInt64(bytes);
    }

    private static int MethodToken(string assemblyPath, string typeName, string methodName)
    {
        using var image = new PEReader(File.OpenRead(assemblyPath));
        MetadataReader metadata = image.GetMetadataReader();
        foreach (MethodDefinitionHandle handle in metadata.MethodDefinitions)
        {
            MethodDefinition method = metadata.GetMethodDefinition(handle);
            TypeDefinition type = metadata.GetTypeDefinition(method.GetDeclaringType());
            string fullName = metadata.GetString(type.Namespace) + "." + metadata.GetString(type.Name);
            if (fullName == typeName && metadata.GetString(method.Name) == methodName)
                return MetadataTokens.GetToken(handle);
        }

        throw new Xunit.Sdk.XunitException($"{typeName}.{methodName} not found in {assemblyPath}");
    }
}

using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// The suspended methods of a .NET 11 runtime-async call (layouts: dumps/README.md, "runtime-async"): a pending
/// <c>AsyncHelpers+RuntimeAsyncTask&lt;T&gt;</c> holds its innermost <c>Continuation</c> in <c>m_stateObject</c>, and each
/// continuation its caller's in <c>Next</c>. Chains are only ever walked forward from a task someone awaits: the heap
/// also holds dead (reused) continuations that point into live ones.
/// </summary>
internal sealed class RuntimeAsyncChains
{
    private const string TaskTypePrefix = "System.Runtime.CompilerServices.AsyncHelpers+RuntimeAsyncTask<";
    private const string ContinuationTypeName = "System.Runtime.CompilerServices.Continuation";
    private const int MaxChainLength = 512;

    private readonly ClrHeap _heap;
    private readonly FrameSymbolizer _symbolizer;
    private readonly List<string> _warnings;
    private ContinuationLayout? _layout;
    private bool _layoutRead;

    public RuntimeAsyncChains(ClrHeap heap, FrameSymbolizer symbolizer, List<string> warnings)
    {
        _heap = heap;
        _symbolizer = symbolizer;
        _warnings = warnings;
    }

    public static bool IsRuntimeAsyncTask(string? typeName) => typeName?.StartsWith(TaskTypePrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// The frames (innermost first) of the runtime-async methods suspended under <paramref name="taskAddress"/>; empty when
    /// the task is not suspended (running or done: <c>m_stateObject</c> is null) or its chain cannot be read.
    /// </summary>
    public List<CapturedFrame> FramesOf(ulong taskAddress)
    {
        var frames = new List<CapturedFrame>();
        ClrObject task = _heap.GetObject(taskAddress);
        if (task.Type is null || !IsRuntimeAsyncTask(task.Type.Name))
            return frames;
        if (!task.TryReadObjectField("m_stateObject", out ClrObject continuation) || continuation.IsNull)
            return frames;
        IDataReader memory = _heap.Runtime.DataTarget.DataReader;
        var seen = new HashSet<ulong>();
        while (!continuation.IsNull && frames.Count < MaxChainLength && seen.Add(continuation.Address))
        {
            // Runtime-generated subtypes have no metadata: the header is read through the base type's fields.
            ClrType? baseType = ContinuationBase(continuation.Type);
            if (baseType is null)
            {
                Warn($"runtime async: {continuation.Type?.Name ?? "an object of unknown type"} at 0x{continuation.Address:x} in the chain of task 0x{taskAddress:x} is not a Continuation: the chain is cut there");
                break;
            }
            if (LayoutOf(baseType) is not { } layout)
                break;
            // A plumbing continuation (RuntimeAsyncTaskContinuation, ValueTaskSourceContinuation, a per-thread sentinel)
            // has no ResumeInfo or no DiagnosticIP: it is no method of anyone's.
            if (memory.ReadPointer(continuation.Address + layout.ResumeInfo, out ulong resumeInfo) && resumeInfo != 0 &&
                memory.ReadPointer(resumeInfo + layout.DiagnosticIP, out ulong diagnosticIP) && diagnosticIP != 0)
            {
                ClrMethod? method = _heap.Runtime.GetMethodByInstructionPointer(diagnosticIP);
                if (method is null)
                {
                    Warn($"runtime async: no method at DiagnosticIP 0x{diagnosticIP:x} (continuation 0x{continuation.Address:x}): that frame is left out");
                }
                else
                {
                    int? state = memory.Read(continuation.Address + layout.State, out int s) ? s : null;
                    frames.Add(_symbolizer.RuntimeAsyncFrame(method, diagnosticIP, state, continuation.Address));
                }
            }
            if (!memory.ReadPointer(continuation.Address + layout.Next, out ulong next))
            {
                Warn($"runtime async: the Next link of continuation 0x{continuation.Address:x} cannot be read: the chain is cut there");
                break;
            }
            continuation = _heap.GetObject(next);
        }
        return frames;
    }

    private static ClrType? ContinuationBase(ClrType? type)
    {
        for (ClrType? t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == ContinuationTypeName)
                return t;
        }
        return null;
    }

    /// <summary>Offsets from the object's start, read once from the target's own types (they differ between builds).</summary>
    private ContinuationLayout? LayoutOf(ClrType continuation)
    {
        if (_layoutRead)
            return _layout;
        _layoutRead = true;
        int pointerSize = _heap.Runtime.DataTarget.DataReader.PointerSize;
        ClrInstanceField? next = continuation.GetFieldByName("Next");
        ClrInstanceField? resumeInfo = continuation.GetFieldByName("ResumeInfo");
        ClrInstanceField? state = continuation.GetFieldByName("State");
        if (next is null || resumeInfo is null || state is null)
        {
            Warn($"runtime async: {ContinuationTypeName} has no Next, ResumeInfo or State field (it has {string.Join(", ", continuation.Fields.Select(f => f.Name))}): runtime-async frames are left out");
            return null;
        }
        // ResumeInfo is a struct only runtime-generated code uses, so its method table may not exist in the target; then
        // its layout is the one the runtime and JIT share (CORINFO_AsyncResumeInfo: the Resume pointer, then DiagnosticIP).
        ClrModule module = continuation.Module;
        ClrType? resumeType = module.GetTypeByName("System.Runtime.CompilerServices.AsyncHelpers+ResumeInfo")
            ?? module.GetTypeByName("System.Runtime.CompilerServices.ResumeInfo");
        int diagnosticIP = resumeType?.GetFieldByName("DiagnosticIP") is { } ipField ? ipField.Offset : pointerSize;
        // ClrMD's instance field offsets count from after the method table pointer.
        _layout = new ContinuationLayout((ulong)(pointerSize + next.Offset), (ulong)(pointerSize + resumeInfo.Offset),
            (ulong)(pointerSize + state.Offset), (ulong)diagnosticIP);
        return _layout;
    }

    private void Warn(string warning)
    {
        if (!_warnings.Contains(warning))
            _warnings.Add(warning);
    }

    private sealed record ContinuationLayout(ulong Next, ulong ResumeInfo, ulong State, ulong DiagnosticIP);
}

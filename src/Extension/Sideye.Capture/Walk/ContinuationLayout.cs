using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>
/// Where a .NET 11 <c>System.Runtime.CompilerServices.Continuation</c> keeps its caller (<c>Next</c>), its resume info
/// and its suspension point (<c>State</c>), as offsets from the object's start, read from the target's own type (they
/// differ between builds), and <c>DiagnosticIP</c>'s offset in the resume info: the code address that names the method.
/// </summary>
internal sealed record ContinuationLayout(ulong Next, ulong ResumeInfo, ulong State, ulong DiagnosticIP)
{
    public const string TypeName = "System.Runtime.CompilerServices.Continuation";

    /// <summary>The Continuation base of <paramref name="type"/> (runtime-generated subtypes have no metadata of their own).</summary>
    public static ClrType? BaseOf(ClrType? type)
    {
        for (ClrType? t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == TypeName)
                return t;
        }
        return null;
    }

    /// <summary>The layout, or null with <paramref name="problem"/> saying why it cannot be read.</summary>
    public static ContinuationLayout? Of(ClrType continuation, out string? problem)
    {
        problem = null;
        int pointerSize = continuation.Heap.Runtime.DataTarget.DataReader.PointerSize;
        ClrInstanceField? next = continuation.GetFieldByName("Next");
        ClrInstanceField? resumeInfo = continuation.GetFieldByName("ResumeInfo");
        ClrInstanceField? state = continuation.GetFieldByName("State");
        if (next is null || resumeInfo is null || state is null)
        {
            problem = $"runtime async: {TypeName} has no Next, ResumeInfo or State field (it has {string.Join(", ", continuation.Fields.Select(f => f.Name))}): runtime-async frames are left out";
            return null;
        }
        // ResumeInfo is a struct only runtime-generated code uses, so its method table may not exist in the target; then
        // its layout is the one the runtime and JIT share (CORINFO_AsyncResumeInfo: the Resume pointer, then DiagnosticIP).
        ClrModule module = continuation.Module;
        ClrType? resumeType = module.GetTypeByName("System.Runtime.CompilerServices.AsyncHelpers+ResumeInfo")
            ?? module.GetTypeByName("System.Runtime.CompilerServices.ResumeInfo");
        int diagnosticIP = resumeType?.GetFieldByName("DiagnosticIP") is { } ipField ? ipField.Offset : pointerSize;
        // ClrMD's instance field offsets count from after the method table pointer.
        return new ContinuationLayout((ulong)(pointerSize + next.Offset), (ulong)(pointerSize + resumeInfo.Offset),
            (ulong)(pointerSize + state.Offset), (ulong)diagnosticIP);
    }

    /// <summary>The continuation's DiagnosticIP; 0 for plumbing continuations (no resume info, or none to show).</summary>
    public ulong DiagnosticIPOf(IDataReader memory, ulong continuation) =>
        memory.ReadPointer(continuation + ResumeInfo, out ulong info) && info != 0 && memory.ReadPointer(info + DiagnosticIP, out ulong ip) ? ip : 0;

    /// <summary>
    /// The object a suspended instance method runs on, as far as its continuation says: the first reference it keeps
    /// whose type is the method's declaring type (or derives from it). Which saved slot is <c>this</c> is recorded only
    /// in the method's async debug info, which ClrMD cannot read; a method that also keeps another instance of its own
    /// type could be answered with that one.
    /// </summary>
    public ClrObject? SavedThis(ClrHeap heap, ClrObject continuation)
    {
        ulong ip = DiagnosticIPOf(heap.Runtime.DataTarget.DataReader, continuation.Address);
        if (ip == 0 || heap.Runtime.GetMethodByInstructionPointer(ip)?.Type is not { } declaring)
            return null;
        foreach (ClrObject reference in continuation.EnumerateReferences(carefully: true))
        {
            for (ClrType? t = reference.Type; t is not null; t = t.BaseType)
            {
                if (t.MethodTable == declaring.MethodTable || (declaring.Name is { } name && t.Name == name))
                    return reference;
            }
        }
        return null;
    }
}

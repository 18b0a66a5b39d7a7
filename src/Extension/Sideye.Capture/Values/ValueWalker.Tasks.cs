using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// A Task renders as what a person asks of it: <c>{"Status": "WaitingForActivation", "Id": 12, "Result": …,
/// "AsyncMethod": "Ns.Type.Method"}</c> (Result once it ran to completion; AsyncMethod when the task is an async
/// method's own, whose async stack then has the same address as the raw form's <c>__addr</c>). Its dozen
/// private fields (scheduler, continuations, contingent properties) told nobody anything, and reading them
/// loaded a dozen runtime types inside the pause.
/// </summary>
internal sealed partial class ValueWalker
{
    private bool WriteTask(ulong obj, ClrType type, int depth)
    {
        if (!TryReadInt(obj, type, "m_stateFlags", out int flags))
            return false;
        string status = TaskStateFlags.Status(flags);
        _out.StartObject(obj, type.Name);
        _out.Property("Status");
        _out.String(status);
        if (TryReadInt(obj, type, "m_taskId", out int id) && id != 0)
        {
            _out.Property("Id");
            _out.Number(id);
        }

        if (status == "RanToCompletion" && type.GetFieldByName("m_result") is ClrInstanceField result)
        {
            _out.Property("Result");
            WriteSlot(unchecked(obj + (ulong)PointerSize + (ulong)result.Offset), FieldType(result), result.ElementType, depth + 1);
        }

        if (AsyncMethodOf(obj, type) is string method)
        {
            _out.Property("AsyncMethod");
            _out.String(method);
        }

        _out.EndObject();
        return true;
    }

    /// <summary>The C# name of the async method a state machine box runs (its StateMachine field: a struct in Release, an object in Debug).</summary>
    private string? AsyncMethodOf(ulong box, ClrType type)
    {
        if (type.Name is not { } name || !Walk.AsyncBoxes.IsBoxTypeName(name) || type.GetFieldByName("StateMachine") is not ClrInstanceField field)
            return null;
        ClrType? machine = field.IsValueType ? field.Type
            : _memory.TryReadPointer(unchecked(box + (ulong)PointerSize + (ulong)field.Offset), out ulong obj) && obj != 0 ? ObjectType(obj) : null;
        return machine?.Name is { } machineName ? Naming.MethodNames.StateMachineToCSharp(machineName) : null;
    }
}

using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// The variables of a suspended async method, read from its state machine box on the heap
/// (<c>AsyncTaskMethodBuilder&lt;T&gt;+AsyncStateMachineBox&lt;TStateMachine&gt;</c>, which async Task, ValueTask and
/// void methods all use, or another <c>…StateMachineBox&lt;…&gt;</c> with a <c>StateMachine</c> field). In Release
/// builds the state machine is a struct embedded in the box; in Debug builds it is a class the box points to.
/// Parameters keep their names, hoisted locals <c>&lt;cs&gt;5__2</c> become <c>cs</c>, <c>&lt;&gt;4__this</c> becomes
/// <c>this</c>, a lambda closure's <c>&lt;&gt;8__1</c> contributes its captured locals; awaiters (<c>&lt;&gt;u__N</c>),
/// spills, the builder and <c>&lt;&gt;1__state</c> are left out (the state is <see cref="State"/>).
/// Release builds hoist only the locals used after an await; the others are not in the box at all.
/// </summary>
public sealed class StateMachineVariables
{
    private StateMachineVariables(ulong boxAddress, ClrType boxType, ClrType stateMachineType, ulong stateMachineData,
        ulong? stateMachineObject, int? state, ImmutableArray<AsyncVariable> variables)
    {
        BoxAddress = boxAddress;
        BoxType = boxType;
        StateMachineType = stateMachineType;
        StateMachineData = stateMachineData;
        StateMachineObject = stateMachineObject;
        State = state;
        Variables = variables;
        MethodName = Naming.MethodNames.StateMachineToCSharp(stateMachineType.Name ?? "") ?? stateMachineType.Name ?? "";
    }

    public ulong BoxAddress { get; }

    public ClrType BoxType { get; }

    /// <summary>The compiler-generated state machine, e.g. <c>KnownValues.AsyncHolder+&lt;WaitAsync&gt;d__1</c>.</summary>
    public ClrType StateMachineType { get; }

    /// <summary>Where the state machine's fields start (inside the box for a struct, inside the class object in Debug builds).</summary>
    public ulong StateMachineData { get; }

    /// <summary>The state machine object when it is a class (Debug builds); null when it is a struct in the box.</summary>
    public ulong? StateMachineObject { get; }

    /// <summary><c>&lt;&gt;1__state</c>: the await it is suspended at (0, 1, …), -1 running, -2 finished; null if unreadable.</summary>
    public int? State { get; }

    /// <summary>The method the user wrote, from the state machine's name: <c>KnownValues.AsyncHolder.WaitAsync</c> (the PDB's kick-off method is exact).</summary>
    public string MethodName { get; }

    /// <summary>This, parameters, then locals, in field order; names as the user wrote them.</summary>
    public ImmutableArray<AsyncVariable> Variables { get; }

    public AsyncVariable? Find(string name) => Variables.FirstOrDefault(v => v.Name == name);

    /// <summary>Whether <paramref name="type"/> is a state machine box (by name, as the BCL generics leave no better handle).</summary>
    public static bool IsStateMachineBox(ClrType? type) =>
        type?.Name is string name && name.Contains("StateMachineBox<", StringComparison.Ordinal)
        && type.GetFieldByName("StateMachine") is not null;

    /// <summary>Reads the box at <paramref name="boxAddress"/> (or a Debug build's state machine object itself).</summary>
    public static bool TryRead(ClrRuntime runtime, ulong boxAddress,
        [NotNullWhen(true)] out StateMachineVariables? variables, [NotNullWhen(false)] out string? error)
    {
        variables = null;
        try
        {
            return TryReadCore(runtime, boxAddress, out variables, out error);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = $"state machine at {JsonPair.Hex(boxAddress)} unreadable: {e.Message}";
            return false;
        }
    }

    private static bool TryReadCore(ClrRuntime runtime, ulong boxAddress, out StateMachineVariables? variables, out string? error)
    {
        variables = null;
        IDataReader reader = runtime.DataTarget.DataReader;
        int pointerSize = reader.PointerSize;
        ClrType? boxType = runtime.Heap.GetObjectType(boxAddress);
        if (boxType is null)
        {
            error = $"{JsonPair.Hex(boxAddress)} is not an object";
            return false;
        }

        ClrType? machineType;
        ulong data;
        ulong? machineObject = null;
        if (boxType.GetFieldByName("<>1__state") is not null)
        {
            machineType = boxType; // a Debug-build state machine class, given directly
            machineObject = boxAddress;
            data = boxAddress + (ulong)pointerSize;
        }
        else if (boxType.GetFieldByName("StateMachine") is ClrInstanceField field)
        {
            ulong slot = boxAddress + (ulong)pointerSize + (ulong)field.Offset;
            if (field.ElementType == ClrElementType.Struct)
            {
                machineType = ValueWalker.FieldType(field) is { IsValueType: true } t ? t : FromBoxName(runtime, boxType);
                data = slot;
            }
            else
            {
                if (!reader.ReadPointer(slot, out ulong obj) || obj == 0)
                {
                    error = $"the box {JsonPair.Hex(boxAddress)} holds no state machine";
                    return false;
                }

                machineType = runtime.Heap.GetObjectType(obj);
                machineObject = obj;
                data = obj + (ulong)pointerSize;
            }
        }
        else
        {
            error = $"{boxType.Name} is not an async state machine box";
            return false;
        }

        if (machineType is null)
        {
            error = $"the state machine type of {boxType.Name} is not loaded";
            return false;
        }

        variables = Read(runtime, boxAddress, boxType, machineType, data, machineObject);
        error = null;
        return true;
    }

    /// <summary>
    /// The state machine a MoveNext frame on a thread runs on: <paramref name="thisValue"/> is MoveNext's
    /// <c>this</c> as the frame holds it, a pointer to the struct (in its box, or on the stack before the
    /// first await) or the object of a Debug build's class.
    /// </summary>
    public static bool TryReadRunning(ClrRuntime runtime, ClrType machineType, ulong thisValue,
        [NotNullWhen(true)] out StateMachineVariables? variables, [NotNullWhen(false)] out string? error)
    {
        variables = null;
        if (thisValue == 0 || machineType.GetFieldByName("<>1__state") is null)
        {
            error = $"{machineType.Name} is not an async state machine";
            return false;
        }
        try
        {
            ulong? obj = machineType.IsValueType ? null : thisValue;
            ulong data = machineType.IsValueType ? thisValue : thisValue + (ulong)runtime.DataTarget.DataReader.PointerSize;
            variables = Read(runtime, thisValue, machineType, machineType, data, obj);
            error = null;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = $"state machine at {JsonPair.Hex(thisValue)} unreadable: {e.Message}";
            return false;
        }
    }

    private static StateMachineVariables Read(ClrRuntime runtime, ulong boxAddress, ClrType boxType, ClrType machineType, ulong data, ulong? machineObject)
    {
        IDataReader reader = runtime.DataTarget.DataReader;
        int? state = null;
        var builder = ImmutableArray.CreateBuilder<AsyncVariable>();
        var locals = new List<AsyncVariable>();
        foreach (ClrInstanceField f in machineType.Fields)
        {
            string? name = f.Name;
            if (name is null)
                continue;
            ValueLocation location = ValueLocation.InMemory(ValueWalker.FieldType(f), data + (ulong)f.Offset, f.ElementType);
            if (name == "<>1__state")
            {
                state = reader.Read(data + (ulong)f.Offset, out int s) ? s : null;
            }
            else if (name == "<>4__this" && IsClosure(ValueWalker.FieldType(f)?.Name))
            {
                // An async local function (or lambda) that captures variables runs on its closure: those variables,
                // and the enclosing method's `this` if it was captured, are the closure's fields.
                AddCaptured(runtime, reader, data + (ulong)f.Offset, name, locals, builder);
            }
            else if (name == "<>4__this")
            {
                builder.Insert(0, new AsyncVariable("this", AsyncVariableKind.This, name, location));
            }
            else if (name.StartsWith("<>8__", StringComparison.Ordinal))
            {
                AddCaptured(runtime, reader, data + (ulong)f.Offset, name, locals, builder);
            }
            else if (HoistedLocalName(name) is string local)
            {
                locals.Add(new AsyncVariable(local, AsyncVariableKind.Local, name, location));
            }
            else if (!name.StartsWith('<'))
            {
                builder.Add(new AsyncVariable(name, AsyncVariableKind.Parameter, name, location));
            }
        }

        builder.AddRange(locals);
        return new StateMachineVariables(boxAddress, boxType, machineType, data, machineObject, state, builder.ToImmutable());
    }

    /// <summary>A lambda closure (<c>&lt;&gt;8__N</c>): its plain fields are captured locals; its <c>&lt;&gt;4__this</c> is this.</summary>
    private static void AddCaptured(ClrRuntime runtime, IDataReader reader, ulong slot, string closureField,
        List<AsyncVariable> locals, ImmutableArray<AsyncVariable>.Builder builder)
    {
        if (!reader.ReadPointer(slot, out ulong closure) || closure == 0 || runtime.Heap.GetObjectType(closure) is not ClrType closureType)
            return;
        ulong data = closure + (ulong)reader.PointerSize;
        foreach (ClrInstanceField f in closureType.Fields)
        {
            if (f.Name is not string name)
                continue;
            var location = ValueLocation.InMemory(ValueWalker.FieldType(f), data + (ulong)f.Offset, f.ElementType);
            if (name == "<>4__this" && !builder.Any(v => v.Kind == AsyncVariableKind.This))
                builder.Insert(0, new AsyncVariable("this", AsyncVariableKind.This, $"{closureField}.{name}", location));
            else if (!name.StartsWith('<'))
                locals.Add(new AsyncVariable(name, AsyncVariableKind.Captured, $"{closureField}.{name}", location));
        }
    }

    /// <summary>A compiler-generated closure class or struct: <c>Ns.Type+&lt;&gt;c__DisplayClass0_0</c>.</summary>
    internal static bool IsClosure(string? typeName) =>
        typeName?.Contains("<>c__DisplayClass", StringComparison.Ordinal) == true;

    /// <summary><c>&lt;cs&gt;5__2</c> → <c>cs</c>; null for every other shape.</summary>
    internal static string? HoistedLocalName(string fieldName)
    {
        if (fieldName.Length < 5 || fieldName[0] != '<' || fieldName[1] == '>')
            return null;
        int close = fieldName.IndexOf(">5__", StringComparison.Ordinal);
        return close > 1 ? fieldName[1..close] : null;
    }

    /// <summary>When ClrMD leaves the <c>StateMachine</c> field's struct type unresolved: the box's last generic argument, by name.</summary>
    private static ClrType? FromBoxName(ClrRuntime runtime, ClrType boxType)
    {
        if (TypeNames.GenericArguments(boxType.Name ?? "") is not [.., string machineName])
            return null;
        foreach (ClrModule module in runtime.EnumerateModules())
        {
            if (module.GetTypeByName(machineName) is ClrType type)
                return type;
        }

        return null;
    }
}

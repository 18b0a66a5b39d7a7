using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// BCL objects shown by what they mean rather than by their private fields, which say little and cost a runtime type
/// load each inside the pause: an exception as <c>{"Type","Message","InnerException"}</c>; a delegate as the method
/// it calls and its target (<c>{"Method","Target"}</c>, a list for a multicast one); a CancellationToken and its
/// source as whether cancellation was requested; a Uri as its text; a Type object as the type's name.
/// </summary>
internal sealed partial class ValueWalker
{
    private bool WriteCancellationTokenSource(ulong obj, ClrType type)
    {
        if (!TryCancellationRequested(obj, type, out bool requested))
            return false;
        _out.StartObject(obj, type.Name);
        _out.Property("IsCancellationRequested");
        _out.Bool(requested);
        _out.EndObject();
        return true;
    }

    private bool WriteUri(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "_string", out ulong text) || text == 0)
            return false;
        WriteString(text, depth);
        return true;
    }

    private bool WriteRuntimeType(ulong obj, ClrType type)
    {
        if (!TryReadRef(obj, type, "m_handle", out ulong methodTable) || _runtime.GetTypeByMethodTable(methodTable)?.Name is not string name)
            return false;
        _out.String(name);
        return true;
    }

    /// <summary>CancellationToken (a struct): whether it can be canceled (it has a source) and whether it was.</summary>
    private bool TryWriteCancellationToken(ulong address, ClrType type, int depth)
    {
        if (type.Name != "System.Threading.CancellationToken" || type.GetFieldByName("_source") is not ClrInstanceField sourceField)
            return false;
        if (!_memory.TryReadPointer(unchecked(address + (ulong)sourceField.Offset), out ulong source))
            return Fail(address, type, depth);
        bool requested = false;
        if (source != 0 && (ObjectType(source) is not ClrType sourceType || !TryCancellationRequested(source, sourceType, out requested)))
            return Fail(address, type, depth);
        _out.StartObject(null, type.Name);
        _out.Property("IsCancellationRequested");
        _out.Bool(requested);
        _out.Property("CanBeCanceled");
        _out.Bool(source != 0);
        _out.EndObject();
        return true;
    }

    /// <summary>CancellationTokenSource._state: 0 until Cancel, then notifying (1) and notified (2).</summary>
    private bool TryCancellationRequested(ulong source, ClrType sourceType, out bool requested)
    {
        requested = false;
        if (!TryReadInt(source, sourceType, "_state", out int state))
            return false;
        requested = state != 0;
        return true;
    }

    private bool WriteException(ulong obj, ClrType type, int depth)
    {
        _out.StartObject(obj, type.Name);
        _out.Property("Type");
        _out.String(type.Name ?? "?");
        if (TryReadRef(obj, type, "_message", out ulong message) && message != 0)
        {
            _out.Property("Message");
            WriteString(message, depth + 1);
        }

        if (TryReadRef(obj, type, "_innerException", out ulong inner) && inner != 0)
        {
            _out.Property("InnerException");
            WriteObject(inner, null, depth + 1);
        }

        _out.EndObject();
        return true;
    }

    private bool WriteDelegate(ulong obj, ClrType type, int depth)
    {
        ClrDelegate callback = _runtime.Heap.GetObject(obj).AsDelegate();
        IReadOnlyList<ClrDelegateTarget> targets;
        try
        {
            targets = callback.HasMultipleTargets
                ? callback.EnumerateDelegateTargets().ToList()
                : callback.GetDelegateTarget() is { } single ? [single] : [];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }

        if (targets.Count == 0)
            return false;
        if (targets.Count > 1)
            _out.StartCollection(obj, type.Name, targets.Count, keyed: false);
        for (int i = 0; i < targets.Count && i < _limits.MaxCollectionItems; i++)
        {
            ClrDelegateTarget target = targets[i];
            _out.StartObject(targets.Count > 1 ? null : obj, type.Name);
            _out.Property("Method");
            _out.String(Naming.MethodNames.ToCSharp(target.Method.Type?.Name, target.Method.Name));
            _out.Property("Target");
            // A static method's delegate targets itself (or, in a multicast list, its own single-cast delegate):
            // there is no instance to show.
            ulong instance = target.TargetObject.Address;
            if (instance == 0 || instance == obj || target.TargetObject.IsDelegate)
                _out.Null();
            else
                WriteObject(instance, null, depth + 1);
            _out.EndObject();
        }

        if (targets.Count > 1)
            _out.EndCollection(keyed: false, targets.Count, Math.Min(targets.Count, _limits.MaxCollectionItems));
        return true;
    }
}

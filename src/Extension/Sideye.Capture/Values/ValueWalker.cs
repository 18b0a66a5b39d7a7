using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Values;

/// <summary>
/// Renders one value into a <see cref="JsonPair"/>: follows slots (references, primitives, structs) through target
/// memory within the <see cref="CaptureLimits"/>, cuts cycles and deep nesting, and turns every failed read into an
/// error value in place. One walker per rendered value; the type-specific shapes live in the partial files beside.
/// </summary>
internal sealed partial class ValueWalker
{
    /// <summary>Values written per rendering at most (beyond the limits' own bounds): keeps wide-and-deep graphs small.</summary>
    internal const int MaxValues = 10_000;

    private readonly ClrRuntime _runtime;
    private readonly TargetMemory _memory;
    private readonly EnumFormatter _enums;
    private readonly Func<ClrType, CaptureLimits?>? _typeLimits;
    private readonly Redactor _redactor;
    private readonly JsonPair _out;
    private CaptureLimits _limits;
    private int _depthBase; // where the current limits' depth count starts: 0, or the object a type override applies to
    private readonly HashSet<ulong> _path = new();
    private readonly Dictionary<ulong, ObjectForm> _forms;
    private int _values;

    /// <param name="typeLimits">The spec's per-type limits: for an object or struct of that type they replace the limits
    /// for its whole subtree, depth counted from it. Null when the spec has none.</param>
    /// <param name="forms">Each method table's <see cref="ObjectForm"/>, shared by the walkers of one capture.</param>
    /// <param name="redactor">What is replaced by a marker instead of read (sensitive names, types and texts).</param>
    public ValueWalker(ClrRuntime runtime, TargetMemory memory, EnumFormatter enums, CaptureLimits limits, JsonPair output, Redactor redactor,
        Func<ClrType, CaptureLimits?>? typeLimits = null, Dictionary<ulong, ObjectForm>? forms = null)
    {
        _redactor = redactor;
        _forms = forms ?? new Dictionary<ulong, ObjectForm>();
        _typeLimits = typeLimits;
        _runtime = runtime;
        _memory = memory;
        _enums = enums;
        _limits = limits;
        _out = output;
    }

    /// <summary>The root value's type name (its dynamic type for a non-null reference), once known.</summary>
    public string? RootTypeName { get; private set; }

    /// <summary>Why the root value itself could not be read; null when it was (nested failures stay in the JSON).</summary>
    public string? RootError { get; private set; }

    private int PointerSize => _memory.PointerSize;

    internal enum Storage
    {
        Unknown,
        Reference,
        Primitive,
        Struct,
    }

    /// <summary>How a slot stores its value. The element type decides when it is definite; the type refines it.</summary>
    internal static Storage Classify(ClrType? type, ClrElementType elementType)
    {
        ClrElementType et = elementType != ClrElementType.Unknown ? elementType : type?.ElementType ?? ClrElementType.Unknown;
        if (et is ClrElementType.Class or ClrElementType.Object or ClrElementType.String or ClrElementType.SZArray or ClrElementType.Array)
            return Storage.Reference;
        if (PrimitiveValues.IsPrimitive(et))
            return Storage.Primitive;
        if (et == ClrElementType.Struct)
            return type is { IsValueType: true } ? Storage.Struct : Storage.Unknown;
        if (type is null)
            return Storage.Unknown;
        if (type.IsObjectReference)
            return Storage.Reference;
        if (type.IsValueType)
            return PrimitiveValues.IsPrimitive(type.ElementType) ? Storage.Primitive : Storage.Struct;
        return Storage.Unknown;
    }

    /// <summary>Writes the value held in the slot at <paramref name="address"/>.</summary>
    public void WriteSlot(ulong address, ClrType? type, ClrElementType elementType, int depth)
    {
        if (!Spend())
            return;

        switch (Classify(type, elementType))
        {
            case Storage.Reference:
                if (!_memory.TryReadPointer(address, out ulong obj))
                {
                    Error($"unreadable memory at {JsonPair.Hex(address)}", address, type?.Name, depth);
                    return;
                }

                WriteObject(obj, type, depth);
                return;

            case Storage.Primitive:
                NoteRootType(type?.Name ?? PrimitiveValues.TypeName(elementType), depth);
                WritePrimitive(address, type, elementType, depth);
                return;

            case Storage.Struct:
                NoteRootType(type!.Name, depth);
                WriteStruct(address, type, depth, address);
                return;

            default:
                Error($"unknown type ({type?.Name ?? elementType.ToString()})", address, type?.Name, depth);
                return;
        }
    }

    /// <summary>Writes the heap object at <paramref name="obj"/> (JSON null for 0).</summary>
    public void WriteObject(ulong obj, ClrType? declared, int depth)
    {
        if (obj == 0)
        {
            NoteRootType(declared?.Name, depth);
            _out.Null();
            return;
        }

        ClrType? type = ObjectType(obj);
        if (type is null || type.IsFree)
        {
            Error($"{JsonPair.Hex(obj)} is not a valid object", obj, declared?.Name, depth);
            return;
        }

        NoteRootType(type.Name, depth);
        if (_redactor.IsSensitiveType(type))
        {
            _out.Redacted(RedactionRules.ByType, obj, type.Name);
            return;
        }
        (CaptureLimits, int)? saved = EnterType(type, depth);
        try
        {
            WriteObjectOf(obj, type, depth);
        }
        finally
        {
            LeaveType(saved);
        }
    }

    private void WriteObjectOf(ulong obj, ClrType type, int depth)
    {
        if (type.IsString)
        {
            WriteString(obj, depth);
            return;
        }

        if (type.IsValueType)
        {
            // A boxed value: the value itself, identified (raw) by the box's address.
            ulong data = unchecked(obj + (ulong)PointerSize);
            if (Classify(type, ClrElementType.Unknown) == Storage.Primitive)
                WritePrimitive(data, type, type.ElementType, depth);
            else
                WriteStruct(data, type, depth, obj);
            return;
        }

        if (_path.Contains(obj))
        {
            _out.Reference(obj, type.Name, "cycle");
            return;
        }

        if (TooDeep(depth))
        {
            _out.Reference(obj, type.Name, "depth");
            return;
        }

        _path.Add(obj);
        try
        {
            if (type.IsArray)
                WriteArray(obj, type, depth);
            else if (!TryWriteForm(obj, type, FormOf(type), depth))
                WriteFields(unchecked(obj + (ulong)PointerSize), type, depth, obj);
        }
        finally
        {
            _path.Remove(obj);
        }
    }

    /// <summary>Writes a struct stored at <paramref name="address"/>; <paramref name="identity"/> is what raw shows as its address.</summary>
    public void WriteStruct(ulong address, ClrType type, int depth, ulong identity)
    {
        if (_redactor.IsSensitiveType(type))
        {
            _out.Redacted(RedactionRules.ByType, identity, type.Name);
            return;
        }
        (CaptureLimits, int)? saved = EnterType(type, depth);
        try
        {
            WriteStructOf(address, type, depth, identity);
        }
        finally
        {
            LeaveType(saved);
        }
    }

    /// <summary>Switches to <paramref name="type"/>'s own limits, if the spec gives it some; returns what to restore.</summary>
    private (CaptureLimits, int)? EnterType(ClrType type, int depth)
    {
        if (_typeLimits?.Invoke(type) is not { } limits)
            return null;
        (CaptureLimits, int) saved = (_limits, _depthBase);
        _limits = limits;
        _depthBase = depth;
        return saved;
    }

    private void LeaveType((CaptureLimits, int)? saved)
    {
        if (saved is { } s)
            (_limits, _depthBase) = s;
    }

    private bool TooDeep(int depth) => depth - _depthBase > _limits.MaxDepth;

    private void WriteStructOf(ulong address, ClrType type, int depth, ulong identity)
    {
        if (TryWriteScalarStruct(address, type, depth) || TryWriteWrapperStruct(address, type, depth, identity) || TryWriteCancellationToken(address, type, depth))
            return;

        if (TooDeep(depth))
        {
            _out.Reference(identity, type.Name, "depth");
            return;
        }

        Span<byte> probe = stackalloc byte[1];
        if (!_memory.TryRead(address, probe))
        {
            Error($"unreadable memory at {JsonPair.Hex(address)}", address, type.Name, depth);
            return;
        }

        WriteFields(address, type, depth, identity);
    }

    /// <summary>Writes a primitive (or enum) stored at <paramref name="address"/>.</summary>
    public void WritePrimitive(ulong address, ClrType? type, ClrElementType elementType, int depth)
    {
        ClrElementType et = PrimitiveValues.IsPrimitive(elementType) ? elementType : type?.ElementType ?? ClrElementType.Unknown;
        int size = PrimitiveValues.SizeOf(et, PointerSize);
        if (size == 0)
        {
            Error($"unknown primitive ({et})", address, type?.Name, depth);
            return;
        }

        Span<byte> bytes = stackalloc byte[8];
        bytes = bytes[..size];
        if (!_memory.TryRead(address, bytes))
        {
            Error($"unreadable memory at {JsonPair.Hex(address)}", address, type?.Name, depth);
            return;
        }

        if (type is { IsEnum: true } && _enums.TryFormat(type, PrimitiveValues.ReadBits(et, bytes)) is string name)
            _out.String(name);
        else
            PrimitiveValues.Write(_out, et, bytes);
    }

    private void WriteFields(ulong dataAddress, ClrType type, int depth, ulong identity)
    {
        IReadOnlyList<(string Name, ClrInstanceField Field)> fields;
        try
        {
            fields = FieldNames.Of(type);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Error($"fields of {type.Name} unreadable: {e.Message}", identity, type.Name, depth);
            return;
        }

        // An HttpClient header entry's value is as sensitive as its header's name (Authorization, Cookie...).
        bool redactValue = Redactor.IsHeaderEntry(type) && fields.FirstOrDefault(f => f.Name == "Key") is { Field: { } key }
            && HeaderName(unchecked(dataAddress + (ulong)key.Offset), FieldType(key)) is string header && _redactor.IsSensitiveName(header);
        _out.StartObject(identity, type.Name);
        foreach ((string name, ClrInstanceField field) in fields)
        {
            _out.Property(name);
            ulong slot = unchecked(dataAddress + (ulong)field.Offset);
            if (_redactor.IsSensitiveName(name) || (redactValue && name == "Value"))
                WriteRedacted(slot, FieldType(field), field.ElementType, RedactionRules.ByName);
            else
                WriteSlot(slot, FieldType(field), field.ElementType, depth + 1);
        }

        _out.EndObject();
    }

    /// <summary>
    /// The marker in place of the value in a slot, which is not read: a reference's address and its object's type
    /// (raw only), or nothing but the declared type for a value stored inline. A null reference stays null (no secret).
    /// </summary>
    internal void WriteRedacted(ulong slot, ClrType? type, ClrElementType elementType, string reason)
    {
        if (!Spend())
            return;
        if (Classify(type, elementType) == Storage.Reference && _memory.TryReadPointer(slot, out ulong obj))
        {
            if (obj == 0)
            {
                _out.Null();
                return;
            }
            _out.Redacted(reason, obj, ObjectType(obj)?.Name ?? type?.Name);
            return;
        }
        _out.Redacted(reason, null, type?.Name);
    }

    /// <summary>
    /// The name of an HttpClient header from its <c>HeaderDescriptor</c> (a string, or a known header's <c>Name</c>)
    /// stored at <paramref name="slot"/>; null for anything else.
    /// </summary>
    internal string? HeaderName(ulong slot, ClrType? type)
    {
        if (!Redactor.IsHeaderDescriptor(type) || type!.GetFieldByName("_descriptor") is not { } descriptor
            || !_memory.TryReadPointer(unchecked(slot + (ulong)descriptor.Offset), out ulong obj) || obj == 0 || ObjectType(obj) is not { } t)
            return null;
        if (t.IsString)
            return ReadKeyString(obj);
        return t.GetFieldByName("<Name>k__BackingField") is { } nameField && _memory.TryReadPointer(unchecked(obj + (ulong)PointerSize + (ulong)nameField.Offset), out ulong name) && name != 0
            ? ReadKeyString(name)
            : null;
    }

    private void WriteString(ulong obj, int depth)
    {
        ulong lengthAddress = unchecked(obj + (ulong)PointerSize);
        if (!_memory.TryReadInt32(lengthAddress, out int length) || length < 0)
        {
            Error($"unreadable string at {JsonPair.Hex(obj)}", obj, "System.String", depth);
            return;
        }

        if (!TryReadChars(unchecked(lengthAddress + 4), length, out string? text))
        {
            Error($"unreadable string at {JsonPair.Hex(obj)}", obj, "System.String", depth);
            return;
        }

        _out.TargetString(text, obj, "System.String");
    }

    /// <summary>Reads a string's characters, cut to <see cref="CaptureLimits.MaxStringBytes"/> UTF-8 bytes with the marker <c>"…(N chars, cut)"</c>.</summary>
    private bool TryReadChars(ulong charsAddress, int length, out string text)
    {
        int maxBytes = _limits.MaxStringBytes;
        int take = Math.Min(length, maxBytes); // every char is at least one UTF-8 byte
        char[] chars = new char[take];
        if (!_memory.TryRead(charsAddress, MemoryMarshal.AsBytes(chars.AsSpan())))
        {
            text = "";
            return false;
        }

        int fit = FitUtf8(chars, maxBytes);
        text = fit == length
            ? new string(chars)
            : new string(chars, 0, fit) + $"{JsonPair.Ellipsis}({length} chars, cut)";
        return true;
    }

    /// <summary>How many leading chars fit in <paramref name="maxBytes"/> UTF-8 bytes without splitting a surrogate pair.</summary>
    private static int FitUtf8(char[] chars, int maxBytes)
    {
        int bytes = 0;
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            int width;
            int step = 1;
            if (c < 0x80)
            {
                width = 1;
            }
            else if (c < 0x800)
            {
                width = 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                width = 4;
                step = 2;
            }
            else
            {
                width = 3;
            }

            if (bytes + width > maxBytes)
                return i;
            bytes += width;
            i += step - 1;
        }

        return chars.Length;
    }

    /// <summary>A string at <paramref name="obj"/> as text (cut like values), for dictionary keys; null when unreadable.</summary>
    private string? ReadKeyString(ulong obj)
    {
        if (obj == 0 || ObjectType(obj) is not { IsString: true })
            return null;
        ulong lengthAddress = unchecked(obj + (ulong)PointerSize);
        if (!_memory.TryReadInt32(lengthAddress, out int length) || length < 0)
            return null;
        return TryReadChars(unchecked(lengthAddress + 4), length, out string text) ? text : null;
    }

    internal ClrType? ObjectType(ulong obj) => ObjectType(_runtime, _memory, obj);

    /// <summary>
    /// The type of the object at <paramref name="obj"/> from its method table (null when it is not one). ClrMD fills in
    /// an array type's <see cref="ClrType.ComponentType"/> only when the type is reached through
    /// <see cref="ClrHeap.GetObjectType"/>, so arrays go through it once.
    /// </summary>
    internal static ClrType? ObjectType(ClrRuntime runtime, TargetMemory memory, ulong obj)
    {
        if (obj == 0 || TargetMemory.IsRegister(obj) || !memory.TryReadPointer(obj, out ulong mt) || mt == 0)
            return null;
        try
        {
            ClrType? type = runtime.GetTypeByMethodTable(mt & ~3UL);
            if (type is { IsArray: true, ComponentType: null })
                type = runtime.Heap.GetObjectType(obj) ?? type;
            return type;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    internal static ClrType? FieldType(ClrField field)
    {
        try
        {
            return field.Type;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    private bool Spend()
    {
        if (++_values <= MaxValues)
            return true;
        _out.Marker($"{JsonPair.Ellipsis}(budget)");
        return false;
    }

    private bool BudgetLeft => _values < MaxValues;

    private void NoteRootType(string? typeName, int depth)
    {
        if (depth == 0 && RootTypeName is null)
            RootTypeName = typeName;
    }

    private void Error(string reason, ulong? address, string? typeName, int depth)
    {
        if (depth == 0 && RootError is null)
        {
            RootError = reason;
            RootTypeName ??= typeName;
        }

        _out.Error(reason, address, typeName);
    }
}

using System.Diagnostics.CodeAnalysis;
using Microsoft.Diagnostics.Runtime;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Values;

/// <summary>
/// Renders values of a paused process or a dump as JSON, in two forms at once.
/// <para><b>Plain</b> (what users query):</para>
/// <list type="bullet">
/// <item>Objects and structs: JSON objects of their instance fields (base-class fields included) in declaration
/// order; an auto-property's <c>&lt;Name&gt;k__BackingField</c> appears as <c>Name</c>. References are followed
/// (pointers flattened); null is JSON null.</item>
/// <item>bool: true/false. Integers of every width, native ints and ulong: JSON numbers (exact, even above 2^53).
/// float/double: shortest round-trip numbers; NaN/±Infinity as the strings "NaN", "Infinity", "-Infinity".
/// char: a one-character string. Pointers: hex strings "0x…".</item>
/// <item>decimal and (U)Int128: exact JSON numbers (<c>12.34</c>). DateTime: ISO-8601 <c>"2024-01-02T03:04:05Z"</c>
/// (fraction only when non-zero; Z for Utc, no suffix for Local/Unspecified). DateTimeOffset:
/// <c>"2024-01-02T03:04:05+02:00"</c>. TimeSpan: "c" format <c>"00:01:30"</c>. DateOnly <c>"2024-01-02"</c>,
/// TimeOnly <c>"03:04:05"</c>. Guid: <c>"6f9619ff-8b86-d011-b42d-00c04fc964ff"</c>. Nullable&lt;T&gt;: the value or null.</item>
/// <item>Enums: the name (<c>"Green"</c>); [Flags] combinations as <c>"Read | Write"</c>; values no name covers as
/// their number.</item>
/// <item>Strings longer than <see cref="CaptureLimits.MaxStringBytes"/> UTF-8 bytes: the prefix that fits, then
/// <c>"…(5000 chars, cut)"</c> (the original length in UTF-16 chars).</item>
/// <item>T[], List, Queue (head first), Stack (top first), HashSet, ImmutableArray: JSON arrays; Dictionary and
/// ConcurrentDictionary: a JSON object when keyed by string, else an array of <c>{"key": …, "value": …}</c>. At most
/// <see cref="CaptureLimits.MaxCollectionItems"/> elements, then the marker <c>"…(1000 items)"</c> (for a JSON
/// object, the property <c>"…"</c> holding it).</item>
/// <item>A reference back to an object being rendered: <c>"…(cycle KnownValues.Node)"</c>. Objects, structs and
/// collections nested deeper than <see cref="CaptureLimits.MaxDepth"/> (the root is depth 0):
/// <c>"…(depth Type)"</c>. Past <see cref="ValueWalker.MaxValues"/> values per rendering: <c>"…(budget)"</c>.</item>
/// <item>A part that cannot be read (unreadable memory, not an object, unknown type): null.</item>
/// </list>
/// <para><b>Raw</b>: the same values, but every JSON object that stands for an object or struct starts with
/// <c>"__addr": "0x…"</c> (lower-case hex; null for a register-only struct; a boxed value's box) and
/// <c>"__type": "Full.Type.Name"</c>; collections become
/// <c>{"__addr", "__type", "__count": N, "__items": [...] or {...}}</c> without the items marker; cut references
/// become <c>{"__addr", "__type", "__cut": "cycle" | "depth" | "budget"}</c>; an unreadable part becomes
/// <c>{"__addr"?, "__type"?, "__error": reason}</c>. Primitives, strings and the scalar structs above stay as in plain.</para>
/// <para>Example (a <c>Node</c> a → b → a): plain <c>{"Name":"a","Next":{"Name":"b","Next":"…(cycle KnownValues.Node)"}}</c>;
/// raw <c>{"__addr":"0x7f..10","__type":"KnownValues.Node","Name":"a","Next":{"__addr":"0x7f..38","__type":"KnownValues.Node",
/// "Name":"b","Next":{"__addr":"0x7f..10","__type":"KnownValues.Node","__cut":"cycle"}}}</c>.</para>
/// <para>Nothing here throws for a bad target: when the value itself cannot be read the result has JSON null and
/// <see cref="RenderedValue.Unavailable"/>. Not thread-safe; memory reads are cached, so use one renderer per
/// capture (while the target stays paused). Uses only ClrMD APIs present in 4.2.747901 (dotnet-dump's copy).</para>
/// </summary>
public sealed class ValueRenderer
{
    private readonly ClrRuntime _runtime;
    private readonly TargetMemory _memory;
    private readonly EnumFormatter _enums;
    private readonly Dictionary<ulong, ValueWalker.ObjectForm> _forms = new();
    private readonly DeclaredTypes _declaredTypes;
    private readonly FieldPathResolver _paths;

    private readonly Func<ClrType, CaptureLimits?>? _typeLimits;
    private readonly Redactor _redactor;

    /// <summary>A renderer with a spec's limits, per-type overrides included, and its redaction rules.</summary>
    public ValueRenderer(ClrRuntime runtime, CapturePlan plan)
        : this(runtime, (plan ?? throw new ArgumentNullException(nameof(plan))).Limits, plan.Redaction)
    {
        if (plan.TypeLimits.IsEmpty)
            return;
        var byName = new Dictionary<string, CaptureLimits?>(StringComparer.Ordinal);
        _typeLimits = type =>
        {
            if (type.Name is not { } name)
                return null;
            if (!byName.TryGetValue(name, out CaptureLimits? limits))
            {
                CaptureLimits found = plan.LimitsFor(name);
                byName[name] = limits = ReferenceEquals(found, plan.Limits) ? null : found;
            }
            return limits;
        };
    }

    /// <summary>A renderer with these limits and the built-in redaction rules (or <paramref name="redaction"/>).</summary>
    public ValueRenderer(ClrRuntime runtime, CaptureLimits limits, RedactionRules? redaction = null)
    {
        _redactor = new Redactor(redaction ?? RedactionRules.Default);
        _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        Limits = limits ?? throw new ArgumentNullException(nameof(limits));
        _memory = new TargetMemory(runtime.DataTarget.DataReader);
        _enums = new EnumFormatter(_memory);
        _declaredTypes = new DeclaredTypes(runtime);
        _paths = new FieldPathResolver(_memory, ObjectType);
    }

    public CaptureLimits Limits { get; }

    /// <summary>The heap object at <paramref name="objectAddress"/> (0 renders as null).</summary>
    public RenderedValue RenderObject(ulong objectAddress) =>
        Render(null, walker => walker.WriteObject(objectAddress, null, 0));

    /// <summary>
    /// A value of <paramref name="type"/> stored at <paramref name="address"/>: a struct (or primitive, enum) in a stack
    /// slot, an embedded field, an array element. (Given a reference type, the address is read as a slot holding the pointer.)
    /// </summary>
    public RenderedValue RenderValueType(ulong address, ClrType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Render(type.Name, walker => walker.WriteSlot(address, type, ClrElementType.Unknown, 0));
    }

    /// <summary>A primitive from its little-endian bytes (a register's contents, say).</summary>
    public RenderedValue RenderPrimitive(ClrElementType type, ReadOnlySpan<byte> bytes)
    {
        string typeName = PrimitiveValues.TypeName(type);
        int size = PrimitiveValues.SizeOf(type, _memory.PointerSize);
        if (size == 0)
            return RenderedValue.Unreadable($"{type} is not a primitive", typeName);
        if (bytes.Length < size)
            return RenderedValue.Unreadable($"{typeName} needs {size} bytes, got {bytes.Length}", typeName);
        using var output = new JsonPair();
        PrimitiveValues.Write(output, type, bytes[..size]);
        (string plain, string raw) = output.Finish();
        return new RenderedValue(plain, raw, typeName);
    }

    /// <summary>
    /// A variable from its home, as the capture engine knows it: the slot's <paramref name="address"/> in memory, or
    /// <paramref name="registerBytes"/> when it lives only in a register (for a reference type the slot holds the
    /// object pointer). <paramref name="type"/> wins over <paramref name="declaredTypeName"/>, which is looked up in
    /// the target when the type is not known. No home at all renders as unavailable ("no live location").
    /// </summary>
    public RenderedValue RenderLocation(ClrType? type, string? declaredTypeName, ulong? address, byte[]? registerBytes)
    {
        if (address is null && registerBytes is null)
            return RenderedValue.Unreadable("no live location (optimized away)", type?.Name ?? declaredTypeName);

        ClrElementType elementType = ClrElementType.Unknown;
        if (type is null && declaredTypeName is not null)
        {
            type = _declaredTypes.Find(declaredTypeName);
            if (type is null && declaredTypeName.EndsWith(']'))
                elementType = ClrElementType.SZArray; // arrays are constructed types: read the pointer, the object knows its type
            else if (type is null)
                return RenderedValue.Unreadable($"type '{declaredTypeName}' is not loaded in the target", declaredTypeName);
        }

        ValueLocation location = address is ulong a
            ? ValueLocation.InMemory(type, a, elementType)
            : ValueLocation.InRegister(type, registerBytes!, elementType);
        return RenderLocation(location, declaredTypeName);
    }

    /// <summary>A value at a <see cref="ValueLocation"/> (from <see cref="TryResolvePath"/> or <see cref="StateMachineVariables"/>).</summary>
    public RenderedValue RenderLocation(ValueLocation location) => RenderLocation(location, null);

    /// <summary>
    /// Follows <paramref name="path"/> (field names as users write them: <c>Mu</c> finds a field <c>Mu</c> or the
    /// backing field <c>&lt;Mu&gt;k__BackingField</c>) from <paramref name="root"/>, named <paramref name="rootName"/> in errors.
    /// Errors read like <c>'Mu' has no field 'Procesing'; fields: Lock, Processing, LastBackgroundServiceStart</c>.
    /// </summary>
    public bool TryResolvePath(string rootName, ValueLocation root, IReadOnlyList<string> path,
        [NotNullWhen(true)] out ValueLocation? location, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            bool found = _paths.TryResolve(rootName, root, path, out location, out error);
            return found && location is not null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            location = null;
            error = $"'{rootName}' could not be followed: {e.Message}";
            return false;
        }
    }

    /// <summary>The rules this renderer redacts by.</summary>
    public RedactionRules Redaction => _redactor.Rules;

    /// <summary>Whether a variable or field with this name is redacted (a captured variable named <c>password</c>, a path through <c>Secret</c>).</summary>
    public bool IsSensitiveName(string name) => _redactor.IsSensitiveName(name);

    /// <summary>The marker in place of the value at <paramref name="location"/>, which is not read (only a reference's address and type, for raw).</summary>
    public RenderedValue RenderRedacted(ValueLocation location, string reason)
    {
        ArgumentNullException.ThrowIfNull(location);
        ulong slot = location.Address ?? _memory.MapRegister(location.RegisterBytes!);
        return Render(location.Type?.Name, walker => walker.WriteRedacted(slot, location.Type, location.ElementType, reason));
    }

    /// <summary>The type a declared name (C# keyword or full name) denotes in the target, when loaded.</summary>
    public ClrType? FindType(string declaredTypeName) => _declaredTypes.Find(declaredTypeName);

    private RenderedValue RenderLocation(ValueLocation location, string? declaredTypeName)
    {
        ulong slot = location.Address ?? _memory.MapRegister(location.RegisterBytes!);
        return Render(location.Type?.Name ?? declaredTypeName,
            walker => walker.WriteSlot(slot, location.Type, location.ElementType, 0));
    }

    private RenderedValue Render(string? typeName, Action<ValueWalker> write)
    {
        try
        {
            using var output = new JsonPair();
            var walker = new ValueWalker(_runtime, _memory, _enums, Limits, output, _redactor, _typeLimits, _forms);
            write(walker);
            string? rootType = walker.RootTypeName ?? typeName;
            if (walker.RootError is string error)
                return RenderedValue.Unreadable(error, rootType);
            (string plain, string raw) = output.Finish();
            return new RenderedValue(plain, raw, rootType);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return RenderedValue.Unreadable($"render failed: {e.GetType().Name}: {e.Message}", typeName);
        }
    }

    private ClrType? ObjectType(ulong obj) => ValueWalker.ObjectType(_runtime, _memory, obj);
}

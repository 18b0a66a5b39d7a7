using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Dac;
using Sideye.Capture.Symbols;
using Sideye.Capture.Values;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Walk;

/// <summary>
/// Executes a spec's capture plan on the frames of one walk: for every frame of a spec'd function, each
/// planned column becomes a <see cref="CapturedVariable"/>. Async frames read their state machine on the
/// heap (parameters and hoisted locals by the names the user wrote). Frames running on a thread read
/// their arguments and locals through a DAC instance of our own (<see cref="DacFrameReader"/>), named
/// by the PDB; it is created only when a thread runs a spec'd function. Suspended runtime-async calls (.NET 11) read
/// their continuation where the runtime's async debug info says (<see cref="AsyncLocals"/>). A variable with no value here
/// is NULL with a reason, never an error and never a guess.
/// </summary>
internal sealed class FrameVariableCapture : IDisposable
{
    private readonly ClrRuntime _runtime;
    private readonly Dictionary<string, FunctionCapture> _functions;
    private readonly ValueRenderer _renderer;
    private readonly SymbolCache _symbols;
    private readonly TargetDac _dac;
    private FrameVariables? _threadFrames;
    private PdbLocals? _pdbLocals;
    private string? _dacError;

    /// <param name="dac">The walk's DAC instance (created on first use), shared with the frame symbolizer.</param>
    public FrameVariableCapture(ClrRuntime runtime, CapturePlan plan, SymbolCache symbols, TargetDac dac)
    {
        _runtime = runtime;
        _functions = new Dictionary<string, FunctionCapture>(StringComparer.Ordinal);
        foreach (FunctionCapture function in plan.Functions)
            _functions.TryAdd(CapturePlan.FunctionKey(function.Function), function);
        _renderer = new ValueRenderer(runtime, plan);
        _symbols = symbols;
        _dac = dac;
    }

    /// <summary>Why thread frames could not be read (the DAC did not load), for the snapshot's warnings; null if they could.</summary>
    public string? ThreadFrameError => _dacError;

    /// <summary>Why spec'd runtime-async frames could not be read (no DacDbi instance: an unknown DAC build), for the snapshot's warnings; null if they could or none was asked for.</summary>
    public string? RuntimeAsyncError { get; private set; }

    public void Dispose() => _pdbLocals?.Dispose();

    public bool IsEmpty => _functions.Count == 0;

    private readonly Dictionary<string, FunctionCapture?> _byFrameMethod = new(StringComparer.Ordinal);

    /// <summary>The spec'd function a frame belongs to (any instantiation of a generic type), or null; memoized per name.</summary>
    private FunctionCapture? FunctionOf(string frameMethod)
    {
        if (!_byFrameMethod.TryGetValue(frameMethod, out FunctionCapture? function))
        {
            _functions.TryGetValue(CapturePlan.FunctionKey(frameMethod), out function);
            _byFrameMethod[frameMethod] = function;
        }
        return function;
    }

    /// <summary>How many frames had their variables read so far.</summary>
    public int FramesCaptured { get; private set; }

    /// <summary>Adds the planned variables to every matching frame of <paramref name="stacks"/>.</summary>
    public IReadOnlyList<CapturedStack> Capture(IReadOnlyList<CapturedStack> stacks)
    {
        if (IsEmpty)
            return stacks;
        var result = new List<CapturedStack>(stacks.Count);
        foreach (CapturedStack stack in stacks)
        {
            List<CapturedFrame>? frames = null;
            for (int i = 0; i < stack.Frames.Count; i++)
            {
                CapturedFrame frame = stack.Frames[i];
                if (FunctionOf(frame.Method) is not { } function)
                    continue;
                frames ??= stack.Frames.ToList();
                frames[i] = frame with { Variables = CaptureFrame(stack, frame, function) };
                FramesCaptured++;
            }
            result.Add(frames is null ? stack : stack with { Frames = frames });
        }
        return result;
    }

    private IReadOnlyList<CapturedVariable> CaptureFrame(CapturedStack stack, CapturedFrame frame, FunctionCapture function)
    {
        try
        {
            return CaptureFrameCore(stack, frame, function);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            // One unreadable frame must not cost the snapshot: its columns say why instead.
            return Unavailable(function, $"capture failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private IReadOnlyList<CapturedVariable> CaptureFrameCore(CapturedStack stack, CapturedFrame frame, FunctionCapture function)
    {
        // A runtime-async frame (it carries its continuation's DiagnosticIP) has no state machine box: its variables are
        // where the async debug info says, in its continuation.
        if (frame.Kind == FrameKinds.Async && frame.InstructionPointer is ulong diagnosticIP)
            return frame.ObjectAddress is ulong continuation
                ? CaptureRuntimeAsyncFrame(frame, diagnosticIP, continuation, function)
                : Unavailable(function, "a runtime-async frame without its continuation");
        if (frame.Kind == FrameKinds.Async && frame.ObjectAddress is ulong box)
            return CaptureAsyncFrame(box, function);
        if (frame.Kind == FrameKinds.Managed && stack.OsThreadId is uint tid && frame.StackPointer is ulong sp && frame.InstructionPointer is ulong ip)
            return CaptureThreadFrame(tid, sp, ip, function);
        return Unavailable(function, "the frame has no state machine and no thread to read it from");
    }

    private IReadOnlyList<CapturedVariable> CaptureThreadFrame(uint osThreadId, ulong sp, ulong ip, FunctionCapture function)
    {
        FrameVariables? reader = ThreadFrames();
        if (reader is null)
            return Unavailable(function, _dacError ?? "the DAC could not be loaded");
        ClrMethod? method = _runtime.GetMethodByInstructionPointer(ip);
        if (method is null)
            return Unavailable(function, "the runtime has no method at this frame's instruction pointer");

        FrameVariableList list;
        try
        {
            list = reader.ReadFrame(osThreadId, method, sp, ip);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Unavailable(function, $"the DAC could not read this frame: {e.Message}");
        }

        // An async method running on this thread: MoveNext's `this` is its state machine (in its box, or on
        // the stack before the first await), which holds the parameters and hoisted locals; MoveNext's own
        // locals are the ones the compiler did not hoist.
        StateMachineVariables? machine = RunningStateMachine(method, list);

        var values = new List<CapturedVariable>(function.Variables.Count);
        foreach (VariableCapture v in function.Variables)
        {
            if (machine?.Find(v.RootVariable) is { } hoisted)
            {
                values.Add(Render(function, v, hoisted.Location));
                continue;
            }
            NamedVariable? root = machine is not null && v.RootVariable == "this"
                ? null // MoveNext's own `this` is the state machine, not the user's object
                : list.Variables.FirstOrDefault(x => x.Name == v.RootVariable);
            if (root is null && machine is not null)
            {
                string names = string.Join(", ", machine.Variables.Select(x => x.Name).Concat(list.Variables.Where(x => x.Name != "this").Select(x => x.Name)));
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, null,
                    $"'{v.RootVariable}' is not hoisted into the state machine and the PDB names no local of MoveNext so at IL offset 0x{list.ILOffset:x} " +
                    $"(optimized builds hoist only variables used after an await and may leave the others unnamed; available: {names})"));
                continue;
            }
            if (root is null && FromClosure(function, v, list) is { } captured)
            {
                values.Add(captured);
                continue;
            }
            if (root is null)
            {
                string where = list.ILOffset >= 0 ? $"at IL offset 0x{list.ILOffset:x}" : "at this instruction";
                string names = list.Variables.Count == 0 ? "none" : string.Join(", ", list.Variables.Select(x => x.Name));
                string? module = method.Type?.Module?.Name;
                string reason = list.Unavailable is { } why
                    ? $"'{v.RootVariable}' could not be read: {why}"
                    : module is not null && _symbols.Get(module)?.Pdb is null
                        ? $"'{v.RootVariable}' has no name without the PDB of {Path.GetFileName(module)}, which was not found (put {Path.ChangeExtension(Path.GetFileName(module), ".pdb")} beside it, or embed it); arguments and slots here: {names}"
                        : $"'{v.RootVariable}' is not in scope {where} (in scope: {names})";
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, null, reason));
                continue;
            }
            if (root.Unavailable is { } unavailable)
            {
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, root.TypeName, unavailable));
                continue;
            }
            if (!TryLocate(root, out ValueLocation? location, out string? error))
            {
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, root.TypeName, error));
                continue;
            }
            values.Add(Render(function, v, location));
        }
        return values;
    }

    /// <summary>
    /// A local function reads the variables it captures from the enclosing method through its closure: a hidden
    /// by-reference argument (a struct) or its <c>this</c> (a class). The spec names them as the user wrote them.
    /// </summary>
    private CapturedVariable? FromClosure(FunctionCapture function, VariableCapture v, FrameVariableList list)
    {
        foreach (NamedVariable closure in list.Variables)
        {
            if (closure.Unavailable is not null || !StateMachineVariables.IsClosure(closure.TypeName) || !TryLocate(closure, out ValueLocation? location, out _))
                continue;
            if (_renderer.TryResolvePath(closure.Name, location, [v.RootVariable, .. v.FieldPath], out ValueLocation? field, out _))
                return Render(function, v with { FieldPath = [] }, field!);
        }
        return null;
    }

    private StateMachineVariables? RunningStateMachine(ClrMethod method, FrameVariableList list)
    {
        if (method.Name != "MoveNext" || method.Type is not { } machineType || machineType.GetFieldByName("<>1__state") is null)
            return null;
        if (list.Variables.FirstOrDefault(x => x.IsArgument && x.Name == "this") is not { Unavailable: null } self)
            return null;
        // The object of a Debug build's class, or (a struct's MoveNext gets `this` by reference) the struct's address.
        ulong pointer;
        if (self.Bytes is { Length: 8 } bytes)
            pointer = BitConverter.ToUInt64(bytes);
        else if (self.Address is ulong slot && _runtime.DataTarget.DataReader.ReadPointer(slot, out ulong read))
            pointer = read;
        else
            return null;
        return StateMachineVariables.TryReadRunning(_runtime, machineType, pointer, out StateMachineVariables? machine, out _) ? machine : null;
    }

    /// <summary>Where a DAC variable's value is: its home on the stack, or its bytes when it lives in a register.</summary>
    private bool TryLocate(NamedVariable variable, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ValueLocation? location, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        location = null;
        error = null;
        // By reference (ref/in/out parameters, a struct method's `this`): the frame holds a managed pointer to
        // the value, wherever it lives (the caller's stack, a field, an array element).
        if (variable.TypeName is { } declared && declared.StartsWith("ref ", StringComparison.Ordinal))
        {
            if (variable.Bytes is not { Length: 8 } pointerBytes || BitConverter.ToUInt64(pointerBytes) is not (> 0 and var target))
            {
                error = $"'{variable.Name}' ({declared}) holds no readable pointer here";
                return false;
            }
            if (_renderer.FindType(declared[4..]) is not { } pointee)
            {
                error = $"type '{declared[4..]}' of '{variable.Name}' is not loaded in the target (or is a generic instantiation this build cannot lay out)";
                return false;
            }
            location = ValueLocation.InMemory(pointee, target);
            return true;
        }
        bool isReference = (variable.Kind & (DacValueKind.Reference | DacValueKind.String | DacValueKind.Array)) != 0 &&
                           (variable.Kind & (DacValueKind.ValueType | DacValueKind.Enum)) == 0;
        // A reference's object knows its own type; a struct or primitive needs its declared type.
        ClrType? type = variable.StructType ?? (isReference ? null : variable.TypeName is { } name ? _renderer.FindType(name) : null);
        ClrElementType element = isReference ? ClrElementType.Object : ClrElementType.Unknown;
        if (type is null && !isReference)
        {
            error = $"type '{variable.TypeName ?? "?"}' of '{variable.Name}' is not loaded in the target (or is a generic instantiation this build cannot lay out)";
            return false;
        }
        if (variable.Address is ulong address)
            location = ValueLocation.InMemory(type, address, element);
        else if (variable.Bytes is { } bytes)
            location = ValueLocation.InRegister(type, bytes, element);
        else
            error = "no live location (optimized away)";
        return location is not null;
    }

    private FrameVariables? ThreadFrames()
    {
        if (_threadFrames is not null || _dacError is not null)
            return _threadFrames;
        if (_dac.Reader is not { } reader)
        {
            _dacError = $"locals of frames on threads are unavailable: {_dac.Error}";
            return null;
        }
        _threadFrames = new FrameVariables(reader, Pdb());
        return _threadFrames;
    }

    /// <summary>
    /// A suspended runtime-async call (.NET 11): each spec'd variable is mapped by name to its IL variable number (the
    /// arguments, <c>this</c> first, then the PDB's locals in scope at the frame's IL offset), looked up among the
    /// variables the JIT saved at this suspension point (the DAC's async debug info, <see cref="AsyncLocals"/>), and read
    /// from the continuation at that offset, typed by the method's signature. Optimized code saves only what is live
    /// after the await: anything else is NULL saying so, with what was saved.
    /// </summary>
    private IReadOnlyList<CapturedVariable> CaptureRuntimeAsyncFrame(CapturedFrame frame, ulong diagnosticIP, ulong continuation, FunctionCapture function)
    {
        if (frame.AwaitState is not int state)
            return Unavailable(function, "the continuation's State (its suspension point) could not be read");
        if (_runtime.GetMethodByInstructionPointer(diagnosticIP) is not { } method)
            return Unavailable(function, $"the runtime has no method at the continuation's DiagnosticIP 0x{diagnosticIP:x}");
        if (_dac.AsyncLocals is not { } asyncLocals)
        {
            RuntimeAsyncError = $"runtime-async frames' variables are unavailable: {_dac.AsyncLocalsError}";
            return Unavailable(function, $"a runtime-async frame's variables are read through the DAC's DacDbi interface, which is not available: {_dac.AsyncLocalsError}{Holds(continuation)}");
        }
        if (!SavedAt(asyncLocals, method.MethodDesc, diagnosticIP, state, out IReadOnlyList<AsyncLocalSlot>? saved, out string? error))
            return Unavailable(function, error + Holds(continuation));

        string? module = method.Type?.Module?.Name;
        int ilOffset = frame.IlOffset ?? -1;
        MethodSymbols? symbols = module is null ? null : Pdb().GetMethod(module, method.MetadataToken, ilOffset);
        if (symbols is null)
            return Unavailable(function, $"the metadata of {frame.Method} could not be read from {module ?? "its module (no file)"}");

        string where = $"suspension point {state}" + (frame.IlOffset is int il ? $" (IL_{il:x4})" : "");
        var named = RuntimeAsyncVariables(symbols);
        string SavedNames() => saved.Count == 0
            ? "nothing"
            : string.Join(", ", saved.Select(s => named.FirstOrDefault(n => n.IlVar == s.IlVarNumber).Name ?? $"IL variable {s.IlVarNumber}"));

        var values = new List<CapturedVariable>(function.Variables.Count);
        foreach (VariableCapture v in function.Variables)
        {
            (string Name, int IlVar, SignatureType Type)? variable = named.Where(n => n.Name == v.RootVariable).Select(n => ((string, int, SignatureType)?)n).FirstOrDefault();
            if (variable is not { } found)
            {
                string reason = !symbols.HasPdb && module is not null
                    ? $"'{v.RootVariable}' is not an argument of {frame.Method}, and its locals have no names without the PDB of {Path.GetFileName(module)}, which was not found (put {Path.ChangeExtension(Path.GetFileName(module), ".pdb")} beside it, or embed it)"
                    : $"'{v.RootVariable}' is not an argument of {frame.Method} nor a local in scope at {where} (there: {string.Join(", ", named.Select(n => n.Name))})";
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, null, reason));
                continue;
            }
            if (saved.Where(s => s.IlVarNumber == found.IlVar).Select(s => (uint?)s.Offset).FirstOrDefault() is not uint offset)
            {
                string reason = saved.Count == 0
                    ? $"'{v.RootVariable}' is not saved at {where}: the runtime recorded no variable there (none is live after this await, or the code, framework ReadyToRun code for one, has no async debug info){Holds(continuation)}"
                    : $"'{v.RootVariable}' is not saved at {where}: the JIT keeps only the variables live after the await (saved here: {SavedNames()}){Holds(continuation)}";
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, found.Type.Name, reason));
                continue;
            }
            if (!TryLocateSaved(found.Name, found.Type, continuation + offset, out ValueLocation? location, out string? locateError))
            {
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, found.Type.Name, locateError));
                continue;
            }
            values.Add(Render(function, v, location));
        }
        return values;
    }

    private readonly Dictionary<(ulong MethodDesc, ulong IP, int State), (IReadOnlyList<AsyncLocalSlot>? Saved, string? Error)> _saved = new();

    /// <summary>
    /// What a continuation holds that can be read without its debug info: the objects it references (its data area,
    /// its result, exception and context slots), by type and address, its caller's continuation left out; "" when none.
    /// Said with every variable it cannot name, so that what was saved is never hidden behind a NULL.
    /// </summary>
    private string Holds(ulong continuation)
    {
        const int Shown = 8;
        var held = _runtime.Heap.GetObject(continuation).EnumerateReferences(carefully: true)
            .Where(r => r.Type is not null && ContinuationLayout.BaseOf(r.Type) is null)
            .Select(r => $"{r.Type!.Name} 0x{r.Address:x}")
            .ToList();
        if (held.Count == 0)
            return "; the continuation holds no object";
        string more = held.Count > Shown ? $" and {held.Count - Shown} more" : "";
        return $"; the continuation holds {string.Join(", ", held.Take(Shown))}{more}";
    }

    /// <summary>The variables saved at one suspension point, memoized: calls parked at the same await share them.</summary>
    private bool SavedAt(AsyncLocals asyncLocals, ulong methodDesc, ulong diagnosticIP, int state,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<AsyncLocalSlot>? saved,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        if (!_saved.TryGetValue((methodDesc, diagnosticIP, state), out var known))
        {
            known = asyncLocals.TryRead(methodDesc, diagnosticIP, unchecked((uint)state), out IReadOnlyList<AsyncLocalSlot>? read, out string? why)
                ? (read, null)
                : (null, why);
            _saved[(methodDesc, diagnosticIP, state)] = known;
        }
        (saved, error) = known;
        return saved is not null;
    }

    /// <summary>
    /// A runtime-async method's variables by IL variable number: the arguments first (<c>this</c> is 0 in an instance
    /// method), then the IL locals the PDB names at the frame's offset, at the argument count plus their slot.
    /// </summary>
    private static List<(string Name, int IlVar, SignatureType Type)> RuntimeAsyncVariables(MethodSymbols symbols)
    {
        var result = new List<(string, int, SignatureType)>();
        int next = 0;
        if (symbols.ThisType is { } thisType)
            result.Add(("this", next++, new SignatureType(thisType, IsValueType: thisType.StartsWith("ref ", StringComparison.Ordinal))));
        for (int i = 0; i < symbols.ParameterTypes.Count; i++)
            result.Add((symbols.ParameterNames.Count > i && symbols.ParameterNames[i] is { } name ? name : $"arg{i}", next++, symbols.ParameterTypes[i]));
        int argumentCount = next;
        for (int slot = 0; slot < symbols.LocalTypes.Count; slot++)
        {
            if (slot < symbols.LocalNames.Count && symbols.LocalNames[slot] is { } local && !Symbols.MethodReader.IsCompilerTemporary(local))
                result.Add((local, argumentCount + slot, symbols.LocalTypes[slot]));
        }
        return result;
    }

    /// <summary>A saved variable's slot in the continuation, typed by its declaration (a reference's object knows its own type).</summary>
    private bool TryLocateSaved(string name, SignatureType type, ulong address,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ValueLocation? location,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        (location, error) = (null, null);
        if (type.Name.StartsWith("ref ", StringComparison.Ordinal))
        {
            error = $"'{name}' ({type.Name}) is a by-reference variable, which a continuation cannot hold";
            return false;
        }
        if (!type.IsValueType)
        {
            location = ValueLocation.InMemory(null, address, ClrElementType.Object);
            return true;
        }
        if (_renderer.FindType(type.Name) is not { } clrType)
        {
            error = $"type '{type.Name}' of '{name}' is not loaded in the target (or is a generic instantiation this build cannot lay out)";
            return false;
        }
        location = ValueLocation.InMemory(clrType, address);
        return true;
    }

    private PdbLocals Pdb() => _pdbLocals ??= new PdbLocals(_symbols);

    private IReadOnlyList<CapturedVariable> CaptureAsyncFrame(ulong box, FunctionCapture function)
    {
        if (!StateMachineVariables.TryRead(_runtime, box, out StateMachineVariables? sm, out string? error) || sm is null)
            return Unavailable(function, $"the state machine could not be read: {error}");

        var values = new List<CapturedVariable>(function.Variables.Count);
        foreach (VariableCapture v in function.Variables)
        {
            AsyncVariable? root = sm.Find(v.RootVariable);
            if (root is null)
            {
                string names = string.Join(", ", sm.Variables.Select(x => x.Name));
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, null,
                    $"'{v.RootVariable}' is not in this frame's state machine (the compiler hoists only variables used after an await; hoisted here: {names})"));
                continue;
            }
            values.Add(Render(function, v, root.Location));
        }
        return values;
    }

    /// <summary>Follows the column's field path from its root variable and renders the value there.</summary>
    private CapturedVariable Render(FunctionCapture function, VariableCapture v, ValueLocation location)
    {
        if (v.FieldPath.Count > 0)
        {
            if (!_renderer.TryResolvePath(v.RootVariable, location, v.FieldPath, out ValueLocation? resolved, out string? pathError))
                return new CapturedVariable(function.Function, v.Column, null, null, null, pathError);
            location = resolved;
        }
        // A variable, or a path through a field, with a sensitive name is never read: the marker stands in its place.
        RenderedValue rendered = _renderer.IsSensitiveName(v.RootVariable) || v.FieldPath.Any(_renderer.IsSensitiveName)
            ? _renderer.RenderRedacted(location, RedactionRules.ByName)
            : _renderer.RenderLocation(location);
        return rendered.IsAvailable
            ? new CapturedVariable(function.Function, v.Column, rendered.Json, rendered.RawJson, rendered.TypeName, null)
            : new CapturedVariable(function.Function, v.Column, null, null, rendered.TypeName, rendered.Unavailable);
    }

    private static IReadOnlyList<CapturedVariable> Unavailable(FunctionCapture function, string reason) =>
        function.Variables.Select(v => new CapturedVariable(function.Function, v.Column, null, null, null, reason)).ToList();
}

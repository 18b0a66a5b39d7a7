using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Sideye.Capture.Dac;
using Sideye.Capture.Values;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Symbols;

/// <summary>
/// Reads one method definition of a module into a <see cref="MethodOverload"/>: its signature, parameters,
/// and locals from the PDB; for an async method, the variables its state machine holds (parameters, hoisted
/// locals <c>&lt;cs&gt;5__2</c>, a lambda closure's captured locals, <c>&lt;&gt;4__this</c>) under the same names
/// the capture engine gives them (<see cref="StateMachineVariables"/>), and MoveNext's own locals as not hoisted. A
/// runtime-async method (.NET 11) has no state machine: its own arguments and locals, kept in its continuation.
/// </summary>
internal sealed class MethodReader
{
    // Per hoisted local slot of MoveNext, the IL range where it is in scope (Roslyn's custom debug information).
    private static readonly Guid StateMachineHoistedLocalScopes = new("6DA9A61E-F8C7-4874-BE62-68BC5630DF71");

    // MethodImplAttributes.Async (.NET 11): the runtime, not the compiler, makes the method suspendable. Not in the
    // enum of the System.Reflection.Metadata we build against.
    private const MethodImplAttributes RuntimeAsyncImplFlag = (MethodImplAttributes)0x2000;

    private readonly ModuleSymbols _module;
    private readonly MetadataReader _metadata;
    private readonly MetadataReader? _pdb;

    public MethodReader(ModuleSymbols module, MetadataReader metadata)
    {
        _module = module;
        _metadata = metadata;
        _pdb = module.Pdb;
    }

    /// <summary>The overload, or null when its metadata cannot be decoded (a malformed module is not worth failing for).</summary>
    public MethodOverload? Read(MethodDefinitionHandle handle)
    {
        try
        {
            return ReadCore(handle);
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private MethodOverload ReadCore(MethodDefinitionHandle handle)
    {
        MethodDefinition method = _metadata.GetMethodDefinition(handle);
        TypeDefinitionHandle declaringHandle = method.GetDeclaringType();
        TypeDefinition declaring = _metadata.GetTypeDefinition(declaringHandle);
        var generics = new GenericNames(MetadataNames.GenericParameterNames(_metadata, declaring.GetGenericParameters()), MetadataNames.GenericParameterNames(_metadata, method.GetGenericParameters()));
        MethodSignature<SignatureType> signature = method.DecodeSignature(SignatureTypeNames.Instance, generics);
        bool isStatic = (method.Attributes & MethodAttributes.Static) != 0;
        string name = _metadata.GetString(method.Name);
        string?[] parameterNames = MetadataNames.ParameterNames(_metadata, method, signature.ParameterTypes.Length);

        var parameters = new List<MethodVariable>();
        var captured = new List<MethodVariable>();
        MethodVariable? capturedThis = null;
        string? thisType = isStatic ? null : ThisTypeName(declaringHandle, generics.TypeParameters);
        for (int i = 0; i < parameterNames.Length; i++)
        {
            // A local function that captures its enclosing method's variables takes them by a hidden `ref` closure
            // argument: the spec names those variables, not the closure.
            if (StateMachineVariables.IsClosure(signature.ParameterTypes[i].Name))
            {
                AddClosure("(closure argument)", signature.ParameterTypes[i], captured, ref capturedThis, null);
                continue;
            }
            parameters.Add(new MethodVariable(parameterNames[i] ?? $"arg{i}", Clean(signature.ParameterTypes[i]),
                MethodVariableKind.Parameter, VariableStorage.Frame, null, []));
        }
        if (StateMachineVariables.IsClosure(thisType))
        {
            // ... or, when its closure is a class (it is also used by a lambda), is an instance method of it.
            AddClosure("this", new SignatureType(thisType!, false, MetadataTokens.GetToken(declaringHandle)), captured, ref capturedThis, null);
            thisType = capturedThis?.TypeName;
        }
        // A local function or lambda as C# writes it (Inner, lambda_0_1), not as compiled (<Outer>g__Inner|2_0).
        string shownName = name.StartsWith('<') ? Naming.MethodNames.ToCSharp(null, name).Split('.')[^1] : name;
        string signatureText = $"{Clean(signature.ReturnType)} {shownName}" +
            (generics.MethodParameters.IsEmpty ? "" : "<" + string.Join(", ", generics.MethodParameters) + ">") +
            "(" + string.Join(", ", parameters.Select(p => $"{p.TypeName} {p.Name}")) + ")";
        int token = MetadataTokens.GetToken(handle);

        if (StateMachineOf(method, declaring) is ({ } stateMachine, var kind))
            return ReadStateMachine(token, signatureText, isStatic, thisType, parameters, stateMachine, kind);
        // Runtime async (.NET 11): the method is its own body, no state machine; a suspended call keeps in its
        // continuation whichever of these variables are live after the await it is parked at.
        bool runtimeAsync = (method.ImplAttributes & RuntimeAsyncImplFlag) != 0;
        VariableStorage storage = runtimeAsync ? VariableStorage.Continuation : VariableStorage.Frame;

        var variables = new List<MethodVariable>();
        if (capturedThis is not null)
            variables.Add(capturedThis);
        else if (thisType is not null)
            variables.Add(new MethodVariable("this", thisType, MethodVariableKind.This, storage, null, []));
        variables.AddRange(runtimeAsync ? parameters.Select(p => p with { Storage = storage }) : parameters);
        variables.AddRange(captured);
        (IReadOnlyList<MethodVariable> locals, IReadOnlyList<LocalScopeRange> scopes) = Locals(handle, method, generics, storage);
        variables.AddRange(locals);
        return new MethodOverload(_module.ModulePath, _module.PdbPath, token, signatureText, isStatic,
            runtimeAsync ? StateMachineKind.RuntimeAsync : StateMachineKind.None, null, null, variables, scopes);
    }

    /// <summary>
    /// An async method's variables are its state machine's fields: read them the way the engine does, so what is
    /// listed here is exactly what a capture finds. Declared parameters without a field were not hoisted.
    /// </summary>
    private MethodOverload ReadStateMachine(int token, string signature, bool isStatic, string? thisType,
        List<MethodVariable> declaredParameters, TypeDefinitionHandle stateMachineHandle, StateMachineKind kind)
    {
        TypeDefinition stateMachine = _metadata.GetTypeDefinition(stateMachineHandle);
        var generics = new GenericNames(MetadataNames.GenericParameterNames(_metadata, stateMachine.GetGenericParameters()), []);
        MethodDefinitionHandle? moveNext = null;
        foreach (MethodDefinitionHandle candidate in stateMachine.GetMethods())
        {
            if (_metadata.StringComparer.Equals(_metadata.GetMethodDefinition(candidate).Name, "MoveNext"))
                moveNext = candidate;
        }
        IReadOnlyList<IlRange> hoistedScopes = moveNext is { } mn ? HoistedLocalScopes(mn) : [];

        MethodVariable? thisVariable = null;
        var hoistedParameters = new Dictionary<string, MethodVariable>(StringComparer.Ordinal);
        var locals = new List<MethodVariable>();
        foreach (FieldDefinitionHandle fieldHandle in stateMachine.GetFields())
        {
            FieldDefinition field = _metadata.GetFieldDefinition(fieldHandle);
            string fieldName = _metadata.GetString(field.Name);
            if (fieldName == "<>4__this" && StateMachineVariables.IsClosure(Clean(FieldType(field, generics))))
            {
                // An async local function's state machine runs on the closure of the variables it captured.
                AddClosure(fieldName, FieldType(field, generics), locals, ref thisVariable, null);
            }
            else if (fieldName == "<>4__this")
            {
                thisVariable = new MethodVariable("this", thisType ?? Clean(FieldType(field, generics)), MethodVariableKind.This, VariableStorage.StateMachine, fieldName, []);
            }
            else if (fieldName.StartsWith("<>8__", StringComparison.Ordinal))
            {
                AddClosure(fieldName, FieldType(field, generics), locals, ref thisVariable, thisType);
            }
            else if (StateMachineVariables.HoistedLocalName(fieldName) is { } local)
            {
                locals.Add(new MethodVariable(local, Clean(FieldType(field, generics)), MethodVariableKind.Local, VariableStorage.StateMachine,
                    fieldName, HoistedScope(fieldName, hoistedScopes)));
            }
            else if (!fieldName.StartsWith('<'))
            {
                hoistedParameters[fieldName] = new MethodVariable(fieldName, Clean(FieldType(field, generics)), MethodVariableKind.Parameter,
                    VariableStorage.StateMachine, fieldName, []);
            }
        }

        var variables = new List<MethodVariable>();
        if (thisVariable is not null)
            variables.Add(thisVariable);
        else if (thisType is not null)
            variables.Add(new MethodVariable("this", thisType, MethodVariableKind.This, VariableStorage.NotHoisted, null, []));
        foreach (MethodVariable declared in declaredParameters)
        {
            // The declared type is the one the user wrote; the field's may differ only in generic parameter names.
            variables.Add(hoistedParameters.TryGetValue(declared.Name, out MethodVariable? hoisted)
                ? hoisted with { TypeName = declared.TypeName }
                : declared with { Storage = VariableStorage.NotHoisted });
        }
        variables.AddRange(MergeByName(locals));

        IReadOnlyList<LocalScopeRange> scopes = [];
        if (moveNext is { } moveNextHandle)
        {
            MethodDefinition moveNextMethod = _metadata.GetMethodDefinition(moveNextHandle);
            (IReadOnlyList<MethodVariable> moveNextLocals, scopes) = Locals(moveNextHandle, moveNextMethod, generics, VariableStorage.NotHoisted);
            variables.AddRange(moveNextLocals.Where(l => !variables.Any(v => v.Name == l.Name)));
        }

        string stateMachineName = SignatureTypeNames.Instance.GetTypeFromDefinition(_metadata, stateMachineHandle, 0).Name;
        int lastDot = stateMachineName.LastIndexOf(".<", StringComparison.Ordinal);
        if (lastDot >= 0)
            stateMachineName = stateMachineName[..lastDot] + "+" + stateMachineName[(lastDot + 1)..]; // the runtime's spelling, as ClrMD shows it
        return new MethodOverload(_module.ModulePath, _module.PdbPath, token, signature, isStatic, kind, stateMachineName,
            moveNext is { } m2 ? MetadataTokens.GetToken(m2) : null, variables, scopes);
    }

    /// <summary>A lambda closure held by the state machine: its plain fields are locals the lambda captured.</summary>
    private void AddClosure(string closureField, SignatureType closureType, List<MethodVariable> locals, ref MethodVariable? thisVariable, string? thisType)
    {
        if (closureType.TypeToken == 0 || MetadataTokens.EntityHandle(closureType.TypeToken) is not { Kind: HandleKind.TypeDefinition } entity)
            return;
        TypeDefinition closure = _metadata.GetTypeDefinition((TypeDefinitionHandle)entity);
        var generics = new GenericNames(MetadataNames.GenericParameterNames(_metadata, closure.GetGenericParameters()), []);
        foreach (FieldDefinitionHandle fieldHandle in closure.GetFields())
        {
            FieldDefinition field = _metadata.GetFieldDefinition(fieldHandle);
            string name = _metadata.GetString(field.Name);
            if (name == "<>4__this" && thisVariable is null)
                thisVariable = new MethodVariable("this", thisType ?? Clean(FieldType(field, generics)), MethodVariableKind.This, VariableStorage.Closure, $"{closureField}.{name}", []);
            else if (!name.StartsWith('<'))
                locals.Add(new MethodVariable(name, Clean(FieldType(field, generics)), MethodVariableKind.Local, VariableStorage.Closure, $"{closureField}.{name}", []));
        }
    }

    /// <summary>
    /// The user locals of a method body from its PDB scopes, one per name (a name declared in two scopes, say two
    /// loops' <c>i</c>, is one variable in scope in both), typed by its IL slot; and the scopes themselves.
    /// Compiler temporaries (<c>CS$…</c>, <c>&lt;&gt;…</c>) and hidden locals are left out.
    /// </summary>
    private (IReadOnlyList<MethodVariable> Locals, IReadOnlyList<LocalScopeRange> Scopes) Locals(
        MethodDefinitionHandle handle, MethodDefinition method, GenericNames generics, VariableStorage storage)
    {
        if (_pdb is null)
            return ([], []);
        ImmutableArray<SignatureType> slots = LocalSlots(method, generics);
        var locals = new List<MethodVariable>();
        var scopes = new List<LocalScopeRange>();
        foreach (LocalScopeHandle scopeHandle in _pdb.GetLocalScopes(handle))
        {
            LocalScope scope = _pdb.GetLocalScope(scopeHandle);
            var range = new IlRange(scope.StartOffset, scope.EndOffset);
            var names = new List<string>();
            foreach (LocalVariableHandle variableHandle in scope.GetLocalVariables())
            {
                LocalVariable variable = _pdb.GetLocalVariable(variableHandle);
                string name = _pdb.GetString(variable.Name);
                if ((variable.Attributes & LocalVariableAttributes.DebuggerHidden) != 0 || IsCompilerTemporary(name))
                    continue;
                names.Add(name);
                string type = variable.Index >= 0 && variable.Index < slots.Length ? Clean(slots[variable.Index]) : "?";
                locals.Add(new MethodVariable(name, type, MethodVariableKind.Local, storage, null, [range]));
            }
            scopes.Add(new LocalScopeRange(range, names));
        }
        return (MergeByName(locals), scopes);
    }

    private static IReadOnlyList<MethodVariable> MergeByName(List<MethodVariable> variables) =>
        variables.GroupBy(v => v.Name, StringComparer.Ordinal)
            .Select(g => g.First() with { Scopes = g.SelectMany(v => v.Scopes).Distinct().OrderBy(r => r.Start).ToList() })
            .ToList();

    internal static bool IsCompilerTemporary(string name) =>
        name.StartsWith("<>", StringComparison.Ordinal) || name.StartsWith("CS$", StringComparison.Ordinal);

    private ImmutableArray<SignatureType> LocalSlots(MethodDefinition method, GenericNames generics)
    {
        if (method.RelativeVirtualAddress == 0)
            return [];
        MethodBodyBlock body = _module.Image.GetMethodBody(method.RelativeVirtualAddress);
        return body.LocalSignature.IsNil
            ? []
            : _metadata.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(SignatureTypeNames.Instance, generics);
    }

    /// <summary>
    /// The state machine behind a method: the type its <c>[AsyncStateMachine(typeof(...))]</c> (or
    /// <c>[IteratorStateMachine]</c>, <c>[AsyncIteratorStateMachine]</c>) names, a type nested in the method's own.
    /// All three keep parameters and hoisted locals in fields of the same names, which the engine reads alike.
    /// </summary>
    private (TypeDefinitionHandle Type, StateMachineKind Kind)? StateMachineOf(MethodDefinition method, TypeDefinition declaring)
    {
        foreach (CustomAttributeHandle attributeHandle in method.GetCustomAttributes())
        {
            CustomAttribute attribute = _metadata.GetCustomAttribute(attributeHandle);
            StateMachineKind kind = AttributeTypeName(attribute) switch
            {
                "System.Runtime.CompilerServices.AsyncStateMachineAttribute" => StateMachineKind.Async,
                "System.Runtime.CompilerServices.IteratorStateMachineAttribute" => StateMachineKind.Iterator,
                "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute" => StateMachineKind.AsyncIterator,
                _ => StateMachineKind.None,
            };
            if (kind == StateMachineKind.None)
                continue;
            BlobReader value = _metadata.GetBlobReader(attribute.Value);
            if (value.ReadUInt16() != 1) // the custom attribute blob's prolog
                return null;
            // A serialized Type: "Ns.Type+<GetInfo>d__1" (assembly-qualified when in another assembly, which the compiler never does).
            string? typeName = value.ReadSerializedString();
            if (typeName is null)
                return null;
            int comma = typeName.IndexOf(',');
            string nested = (comma >= 0 ? typeName[..comma] : typeName).Split('+')[^1];
            foreach (TypeDefinitionHandle candidate in declaring.GetNestedTypes())
            {
                if (_metadata.StringComparer.Equals(_metadata.GetTypeDefinition(candidate).Name, nested))
                    return (candidate, kind);
            }
            return null;
        }
        return null;
    }

    private string? AttributeTypeName(CustomAttribute attribute)
    {
        EntityHandle type = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => _metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => _metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default,
        };
        return type.Kind switch
        {
            HandleKind.TypeReference => SignatureTypeNames.Instance.GetTypeFromReference(_metadata, (TypeReferenceHandle)type, 0).Name,
            HandleKind.TypeDefinition => SignatureTypeNames.Instance.GetTypeFromDefinition(_metadata, (TypeDefinitionHandle)type, 0).Name,
            _ => null,
        };
    }

    /// <summary>Per hoisted slot (<c>&lt;cs&gt;5__3</c> is slot 2), the IL range of MoveNext where the local is in scope.</summary>
    private IReadOnlyList<IlRange> HoistedLocalScopes(MethodDefinitionHandle moveNext)
    {
        if (_pdb is null)
            return [];
        foreach (CustomDebugInformationHandle handle in _pdb.GetCustomDebugInformation(moveNext))
        {
            CustomDebugInformation information = _pdb.GetCustomDebugInformation(handle);
            if (_pdb.GetGuid(information.Kind) != StateMachineHoistedLocalScopes)
                continue;
            BlobReader blob = _pdb.GetBlobReader(information.Value);
            var ranges = new List<IlRange>();
            while (blob.RemainingBytes >= 8)
            {
                int start = blob.ReadInt32();
                int length = blob.ReadInt32();
                ranges.Add(new IlRange(start, start + length));
            }
            return ranges;
        }
        return [];
    }

    private static IReadOnlyList<IlRange> HoistedScope(string fieldName, IReadOnlyList<IlRange> scopes)
    {
        // Roslyn names a hoisted local <name>5__{slot + 1}; the custom debug information is indexed by slot.
        int marker = fieldName.LastIndexOf("__", StringComparison.Ordinal);
        if (marker < 0 || !int.TryParse(fieldName.AsSpan(marker + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number))
            return [];
        int slot = number - 1;
        return slot >= 0 && slot < scopes.Count && scopes[slot].End > scopes[slot].Start ? [scopes[slot]] : [];
    }

    private SignatureType FieldType(FieldDefinition field, GenericNames generics) =>
        field.DecodeSignature(SignatureTypeNames.Instance, generics);

    private string ThisTypeName(TypeDefinitionHandle declaringHandle, ImmutableArray<string> typeParameters)
    {
        string name = SignatureTypeNames.Instance.GetTypeFromDefinition(_metadata, declaringHandle, 0).Name;
        if (typeParameters.IsEmpty)
            return SignatureTypeNames.Clean(name);
        return SignatureTypeNames.Instance.GetGenericInstantiation(
            new SignatureType(name, IsValueType: false),
            typeParameters.Select(n => new SignatureType(n, IsValueType: false)).ToImmutableArray()).Name;
    }

    private static string Clean(SignatureType type) => SignatureTypeNames.Clean(type.Name);
}

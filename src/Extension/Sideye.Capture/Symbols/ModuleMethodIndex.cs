using System.Reflection;
using System.Reflection.Metadata;

namespace Sideye.Capture.Symbols;

/// <summary>
/// One module's types by the C# name a spec writes (<c>Ns.Outer.Inner</c>: nested types with dots, no generic
/// arity), built from the type table alone: a lookup reads only the methods of the one type it names, so a
/// framework module with tens of thousands of methods costs a pass over its type names, not its methods.
/// Compiler-generated types (closures, state machines, <c>&lt;Module&gt;</c>) are not indexed: a spec cannot name them.
/// </summary>
internal sealed class ModuleMethodIndex
{
    private readonly ModuleSymbols _module;
    private readonly MetadataReader _metadata;
    private readonly Dictionary<string, List<TypeDefinitionHandle>> _types = new(StringComparer.Ordinal);

    private ModuleMethodIndex(ModuleSymbols module, MetadataReader metadata)
    {
        _module = module;
        _metadata = metadata;
        foreach (TypeDefinitionHandle handle in metadata.TypeDefinitions)
        {
            if (CSharpName(handle) is not { } name)
                continue;
            if (!_types.TryGetValue(name, out List<TypeDefinitionHandle>? list))
                _types[name] = list = [];
            list.Add(handle);
        }
    }

    public string ModulePath => _module.ModulePath;

    public static ModuleMethodIndex? TryCreate(ModuleSymbols module)
    {
        if (module.Metadata is not { } metadata)
            return null;
        try
        {
            return new ModuleMethodIndex(module, metadata);
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>Every definition of <paramref name="method"/> (all overloads) on the type named <paramref name="type"/>.</summary>
    public IReadOnlyList<MethodOverload> Find(string type, string method)
    {
        if (!_types.TryGetValue(type, out List<TypeDefinitionHandle>? handles))
            return [];
        var reader = new MethodReader(_module, _metadata);
        var overloads = new List<MethodOverload>();
        foreach (TypeDefinitionHandle typeHandle in handles)
        {
            foreach (MethodDefinitionHandle methodHandle in _metadata.GetTypeDefinition(typeHandle).GetMethods())
            {
                StringHandle name = _metadata.GetMethodDefinition(methodHandle).Name;
                if ((_metadata.StringComparer.Equals(name, method) || IsEntryPointNamed(name, method)) &&
                    reader.Read(methodHandle) is { } overload)
                {
                    overloads.Add(overload);
                }
            }
        }
        return overloads;
    }

    /// <summary>
    /// Top-level statements' <c>&lt;Main&gt;$</c> and the synchronous <c>&lt;Main&gt;</c> wrapped around an async entry
    /// point, which frames name <c>Program.Main</c> (<see cref="Naming.MethodNames.DecodeMember"/>): found by that name too.
    /// </summary>
    private bool IsEntryPointNamed(StringHandle name, string method) =>
        _metadata.StringComparer.StartsWith(name, "<") && Naming.MethodNames.DecodeMember(_metadata.GetString(name)) == method;

    /// <summary>
    /// The local function <paramref name="local"/> of <paramref name="outerMethod"/> (<c>Ns.Type.Method.Local</c>): the
    /// compiler's <c>&lt;Method&gt;g__Local|0_0</c>, on the type itself or, when a lambda shares its closure, on that
    /// closure class (<c>&lt;&gt;c__DisplayClass0_0</c>); or a lambda as frames name it (<c>Ns.Type.Method.lambda_0_0</c>
    /// for <c>&lt;Method&gt;b__0_0</c>, on the closure class or the <c>&lt;&gt;c</c> singleton).
    /// </summary>
    public IReadOnlyList<MethodOverload> FindLocalFunction(string type, string outerMethod, string local)
    {
        if (!_types.TryGetValue(type, out List<TypeDefinitionHandle>? handles))
            return [];
        bool lambda = local.StartsWith("lambda_", StringComparison.Ordinal);
        string prefix = lambda ? $"<{outerMethod}>b__{local["lambda_".Length..]}" : $"<{outerMethod}>g__{local}|";
        var reader = new MethodReader(_module, _metadata);
        var overloads = new List<MethodOverload>();
        foreach (TypeDefinitionHandle typeHandle in handles)
        {
            TypeDefinition definition = _metadata.GetTypeDefinition(typeHandle);
            IEnumerable<TypeDefinitionHandle> closures = definition.GetNestedTypes()
                .Where(n => _metadata.GetString(_metadata.GetTypeDefinition(n).Name).StartsWith("<>c", StringComparison.Ordinal));
            foreach (TypeDefinitionHandle holder in closures.Prepend(typeHandle))
            {
                foreach (MethodDefinitionHandle methodHandle in _metadata.GetTypeDefinition(holder).GetMethods())
                {
                    string name = _metadata.GetString(_metadata.GetMethodDefinition(methodHandle).Name);
                    if ((lambda ? name == prefix : name.StartsWith(prefix, StringComparison.Ordinal)) &&
                        reader.Read(methodHandle) is { } overload)
                    {
                        overloads.Add(overload);
                    }
                }
            }
        }
        return overloads;
    }

    /// <summary>
    /// <c>Type.Method</c> for every method a spec can name and a person would write: no constructors, property or
    /// event accessors (special names), lambdas and local functions (<c>&lt;…&gt;</c>), or explicit interface
    /// implementations (dotted names). Only used for "did you mean" after a miss.
    /// </summary>
    public IEnumerable<string> EnumerateFunctionNames()
    {
        foreach ((string type, List<TypeDefinitionHandle> handles) in _types)
        {
            foreach (TypeDefinitionHandle typeHandle in handles)
            {
                foreach (MethodDefinitionHandle methodHandle in _metadata.GetTypeDefinition(typeHandle).GetMethods())
                {
                    MethodDefinition method = _metadata.GetMethodDefinition(methodHandle);
                    if ((method.Attributes & MethodAttributes.SpecialName) != 0)
                        continue;
                    string name = _metadata.GetString(method.Name);
                    if (name.Contains('<') || name.Contains('.'))
                        continue;
                    yield return type + "." + name;
                }
            }
        }
    }

    /// <summary><c>Ns.Outer.Inner</c> without arity; null for compiler-generated types and those nested in one.</summary>
    private string? CSharpName(TypeDefinitionHandle handle)
    {
        TypeDefinition type = _metadata.GetTypeDefinition(handle);
        string name = _metadata.GetString(type.Name);
        if (name.StartsWith('<'))
            return null;
        int tick = name.IndexOf('`');
        if (tick >= 0)
            name = name[..tick];
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
            return CSharpName(declaring) is { } outer ? outer + "." + name : null;
        string ns = _metadata.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}

using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Finds a <see cref="ClrType"/> from a declared type name (from a signature or the PDB): C# keywords, then the
/// core library, then every module. Only types the target has loaded are found; cached per name.
/// </summary>
internal sealed class DeclaredTypes
{
    private static readonly Dictionary<string, string> Keywords = new(StringComparer.Ordinal)
    {
        ["bool"] = "System.Boolean", ["char"] = "System.Char", ["sbyte"] = "System.SByte", ["byte"] = "System.Byte",
        ["short"] = "System.Int16", ["ushort"] = "System.UInt16", ["int"] = "System.Int32", ["uint"] = "System.UInt32",
        ["long"] = "System.Int64", ["ulong"] = "System.UInt64", ["float"] = "System.Single", ["double"] = "System.Double",
        ["decimal"] = "System.Decimal", ["string"] = "System.String", ["object"] = "System.Object",
        ["nint"] = "System.IntPtr", ["nuint"] = "System.UIntPtr",
    };

    private readonly ClrRuntime _runtime;
    private readonly Dictionary<string, ClrType?> _cache = new(StringComparer.Ordinal);

    public DeclaredTypes(ClrRuntime runtime)
    {
        _runtime = runtime;
    }

    public ClrType? Find(string name)
    {
        if (_cache.TryGetValue(name, out ClrType? type))
            return type;
        string fullName = Keywords.TryGetValue(name, out string? mapped) ? mapped : name;
        try
        {
            type = FindByName(fullName);
            // Signatures write nested types with dots (Outer.Inner, Outer.<>c__DisplayClass0_0); the runtime with '+'.
            for (int dot = fullName.LastIndexOf('.'); type is null && dot > 0 && !HasGenericArguments(fullName); dot = fullName.LastIndexOf('.', dot - 1))
            {
                string nested = fullName[..dot] + "+" + fullName[(dot + 1)..].Replace('.', '+');
                type = FindByName(nested);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            type = null;
        }

        _cache[name] = type;
        return type;
    }

    /// <summary><c>Ns.Box&lt;System.String&gt;</c> has; <c>Ns.C.&lt;&gt;c__DisplayClass0_0</c> (a compiler-generated name) has not.</summary>
    private static bool HasGenericArguments(string name)
    {
        for (int i = name.IndexOf('<'); i > 0; i = name.IndexOf('<', i + 1))
        {
            if (name[i - 1] != '.')
                return true;
        }
        return false;
    }

    private ClrType? FindByName(string fullName)
    {
        ClrType? type = _runtime.BaseClassLibrary.GetTypeByName(fullName);
        if (type is not null)
            return type;
        foreach (ClrModule module in _runtime.EnumerateModules())
        {
            type = module.GetTypeByName(fullName);
            if (type is not null)
                return type;
        }
        return null;
    }
}

using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

using Sideye.Capture.Symbols;

namespace Sideye.Capture.Dac;

/// <summary>
/// What a module's metadata and portable PDB say about a method's variables: parameter names and
/// types, local types by IL slot, and the names of the locals in scope at an IL offset. The DAC gives
/// argument names but no local names; these fill the gap. Modules are opened once and cached, so call
/// <see cref="Preload"/> for the modules of interest before the target is paused.
/// </summary>
internal sealed class PdbLocals : IDisposable
{
    private readonly SymbolCache _symbols;
    private readonly bool _ownsSymbols;
    private readonly ConcurrentDictionary<string, MethodDecoder?> _decoders = new(StringComparer.Ordinal);

    /// <summary>Reads modules through its own <see cref="SymbolCache"/>.</summary>
    public PdbLocals()
        : this(new SymbolCache(), ownsSymbols: true)
    {
    }

    /// <summary>Reads modules through the capture's shared cache, so each module and PDB is opened once.</summary>
    public PdbLocals(SymbolCache symbols)
        : this(symbols, ownsSymbols: false)
    {
    }

    private PdbLocals(SymbolCache symbols, bool ownsSymbols)
    {
        _symbols = symbols;
        _ownsSymbols = ownsSymbols;
    }

    /// <summary>Opens and caches a module's metadata and PDB; false when the file or its metadata is missing.</summary>
    public bool Preload(string modulePath) => GetDecoder(modulePath) is not null;

    /// <summary>
    /// The variables of method <paramref name="methodToken"/> (a MethodDef token) in the module at
    /// <paramref name="modulePath"/>, with local names as of IL offset <paramref name="ilOffset"/>
    /// (negative when unknown: then only slots with one name in the whole method are named).
    /// Null when the module, its metadata or the method cannot be read.
    /// </summary>
    public MethodSymbols? GetMethod(string modulePath, int methodToken, int ilOffset) =>
        GetDecoder(modulePath)?.GetMethod(methodToken, ilOffset);

    public void Dispose()
    {
        _decoders.Clear();
        if (_ownsSymbols)
            _symbols.Dispose();
    }

    private MethodDecoder? GetDecoder(string modulePath)
    {
        if (string.IsNullOrEmpty(modulePath))
            return null;
        return _decoders.GetOrAdd(modulePath, path =>
            _symbols.Get(path) is { Metadata: MetadataReader metadata } module ? new MethodDecoder(module.Image, metadata, module.Pdb) : null);
    }

    /// <summary>Decodes one module's method signatures and local scopes; the readers belong to <see cref="SymbolCache"/>.</summary>
    private sealed class MethodDecoder
    {
        private readonly PEReader _image;
        private readonly MetadataReader _metadata;
        private readonly MetadataReader? _pdb;

        public MethodDecoder(PEReader image, MetadataReader metadata, MetadataReader? pdb)
        {
            _image = image;
            _metadata = metadata;
            _pdb = pdb;
        }

        public MethodSymbols? GetMethod(int methodToken, int ilOffset)
        {
            if ((methodToken >>> 24) != (int)TableIndex.MethodDef)
                return null;

            int row = methodToken & 0xFFFFFF;
            if (row == 0 || row > _metadata.GetTableRowCount(TableIndex.MethodDef))
                return null;

            try
            {
                MethodDefinitionHandle handle = MetadataTokens.MethodDefinitionHandle(row);
                MethodDefinition method = _metadata.GetMethodDefinition(handle);
                TypeDefinitionHandle declaringHandle = method.GetDeclaringType();
                TypeDefinition declaring = _metadata.GetTypeDefinition(declaringHandle);
                var generics = new GenericNames(MetadataNames.GenericParameterNames(_metadata, declaring.GetGenericParameters()), MetadataNames.GenericParameterNames(_metadata, method.GetGenericParameters()));
                MethodSignature<SignatureType> signature = method.DecodeSignature(SignatureTypeNames.Instance, generics);

                string? thisType = signature.Header.IsInstance ? ThisTypeName(declaringHandle, generics) : null;
                ImmutableArray<SignatureType> locals = DecodeLocals(method, generics);
                return new MethodSymbols(
                    thisType,
                    MetadataNames.ParameterNames(_metadata, method, signature.ParameterTypes.Length),
                    signature.ParameterTypes.Select(Cleaned).ToArray(),
                    locals.Select(Cleaned).ToArray(),
                    LocalNames(handle, ilOffset, locals.Length),
                    _pdb is not null);
            }
            catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException)
            {
                // Malformed metadata or signatures: no symbols rather than a failed capture.
                return null;
            }
        }

        private static SignatureType Cleaned(SignatureType type) => type with { Name = SignatureTypeNames.Clean(type.Name) };

        private string ThisTypeName(TypeDefinitionHandle declaringHandle, GenericNames generics)
        {
            SignatureType type = SignatureTypeNames.Instance.GetTypeFromDefinition(_metadata, declaringHandle, 0);
            if (!generics.TypeParameters.IsEmpty)
            {
                type = SignatureTypeNames.Instance.GetGenericInstantiation(
                    type, generics.TypeParameters.Select(n => new SignatureType(n, IsValueType: false)).ToImmutableArray());
            }

            // In a struct's instance method, 'this' is a managed pointer to the struct.
            return IsValueType(declaringHandle) ? "ref " + SignatureTypeNames.Clean(type.Name) : SignatureTypeNames.Clean(type.Name);
        }

        private bool IsValueType(TypeDefinitionHandle handle)
        {
            EntityHandle baseType = _metadata.GetTypeDefinition(handle).BaseType;
            string? baseName = baseType.Kind switch
            {
                HandleKind.TypeReference => SignatureTypeNames.Instance.GetTypeFromReference(_metadata, (TypeReferenceHandle)baseType, 0).Name,
                HandleKind.TypeDefinition => SignatureTypeNames.Instance.GetTypeFromDefinition(_metadata, (TypeDefinitionHandle)baseType, 0).Name,
                _ => null,
            };
            return baseName is "System.ValueType" or "System.Enum";
        }

        private ImmutableArray<SignatureType> DecodeLocals(MethodDefinition method, GenericNames generics)
        {
            if (method.RelativeVirtualAddress == 0)
                return [];

            MethodBodyBlock body = _image.GetMethodBody(method.RelativeVirtualAddress);
            if (body.LocalSignature.IsNil)
                return [];

            return _metadata.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(SignatureTypeNames.Instance, generics);
        }

        private string?[] LocalNames(MethodDefinitionHandle method, int ilOffset, int slotCount)
        {
            var names = new string?[slotCount];
            if (_pdb is null)
                return names;

            var best = new int[slotCount]; // length of the innermost scope that named each slot
            var conflicting = new bool[slotCount];
            foreach (LocalScopeHandle scopeHandle in _pdb.GetLocalScopes(method))
            {
                LocalScope scope = _pdb.GetLocalScope(scopeHandle);
                bool covers = ilOffset >= scope.StartOffset && ilOffset < scope.EndOffset;
                if (ilOffset >= 0 && !covers)
                    continue;

                int length = scope.EndOffset - scope.StartOffset;
                foreach (LocalVariableHandle variableHandle in scope.GetLocalVariables())
                {
                    LocalVariable variable = _pdb.GetLocalVariable(variableHandle);
                    if ((variable.Attributes & LocalVariableAttributes.DebuggerHidden) != 0 ||
                        variable.Index < 0 || variable.Index >= slotCount)
                    {
                        continue;
                    }

                    string name = _pdb.GetString(variable.Name);
                    int slot = variable.Index;
                    if (ilOffset < 0)
                    {
                        // Offset unknown: keep a name only if the slot never has another one.
                        conflicting[slot] |= names[slot] is not null && names[slot] != name;
                        names[slot] = name;
                    }
                    else if (names[slot] is null || length < best[slot])
                    {
                        names[slot] = name;
                        best[slot] = length;
                    }
                }
            }

            for (int slot = 0; slot < slotCount; slot++)
            {
                if (conflicting[slot])
                    names[slot] = null;
            }

            return names;
        }
    }
}

/// <summary>A method's variables as its metadata and PDB describe them.</summary>
/// <param name="ThisType">The type of <c>this</c> for an instance method (<c>ref T</c> in a struct), else null.</param>
/// <param name="ParameterNames">Declared parameter names, <c>this</c> excluded; null where metadata has none.</param>
/// <param name="ParameterTypes">Parameter types from the method signature, <c>this</c> excluded.</param>
/// <param name="LocalTypes">Local types by IL slot, from the local signature.</param>
/// <param name="LocalNames">
/// Local names by IL slot from the PDB scopes covering the IL offset; null for slots without a user
/// name there (compiler temporaries, locals out of scope) and for every slot when there is no PDB.
/// </param>
/// <param name="HasPdb">Whether a portable PDB (embedded or on disk) was found for the module.</param>
internal sealed record MethodSymbols(
    string? ThisType,
    IReadOnlyList<string?> ParameterNames,
    IReadOnlyList<SignatureType> ParameterTypes,
    IReadOnlyList<SignatureType> LocalTypes,
    IReadOnlyList<string?> LocalNames,
    bool HasPdb);

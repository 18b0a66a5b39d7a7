using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Text;

namespace Sideye.Capture.Dac;

/// <summary>
/// Turns metadata signatures into C#-like type names: <c>int</c>, <c>string</c>, <c>int[]</c>,
/// <c>System.Collections.Generic.List&lt;int&gt;</c>, <c>Contract.Point</c>, <c>Outer.Inner</c>,
/// <c>int?</c>, <c>ref int</c>, and the declared names of generic parameters (<c>T</c>).
/// </summary>
internal sealed class SignatureTypeNames : ISignatureTypeProvider<SignatureType, GenericNames>
{
    public static readonly SignatureTypeNames Instance = new();

    private const byte ElementTypeValueType = 0x11;

    public SignatureType GetPrimitiveType(PrimitiveTypeCode typeCode) => new(typeCode switch
    {
        PrimitiveTypeCode.Boolean => "bool",
        PrimitiveTypeCode.Char => "char",
        PrimitiveTypeCode.SByte => "sbyte",
        PrimitiveTypeCode.Byte => "byte",
        PrimitiveTypeCode.Int16 => "short",
        PrimitiveTypeCode.UInt16 => "ushort",
        PrimitiveTypeCode.Int32 => "int",
        PrimitiveTypeCode.UInt32 => "uint",
        PrimitiveTypeCode.Int64 => "long",
        PrimitiveTypeCode.UInt64 => "ulong",
        PrimitiveTypeCode.Single => "float",
        PrimitiveTypeCode.Double => "double",
        PrimitiveTypeCode.String => "string",
        PrimitiveTypeCode.Object => "object",
        PrimitiveTypeCode.IntPtr => "nint",
        PrimitiveTypeCode.UIntPtr => "nuint",
        PrimitiveTypeCode.TypedReference => "System.TypedReference",
        PrimitiveTypeCode.Void => "void",
        _ => typeCode.ToString(),
    }, IsValueType: typeCode is not (PrimitiveTypeCode.String or PrimitiveTypeCode.Object or PrimitiveTypeCode.Void));

    public SignatureType GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        string full = !declaring.IsNil
            ? GetTypeFromDefinition(reader, declaring, 0).Name + "." + name
            : Qualify(reader.GetString(type.Namespace), name);
        return new SignatureType(full, rawTypeKind == ElementTypeValueType, MetadataTokenOf(handle));
    }

    public SignatureType GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        TypeReference type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        string full = type.ResolutionScope.Kind == HandleKind.TypeReference
            ? GetTypeFromReference(reader, (TypeReferenceHandle)type.ResolutionScope, 0).Name + "." + name
            : Qualify(reader.GetString(type.Namespace), name);
        return new SignatureType(full, rawTypeKind == ElementTypeValueType, MetadataTokenOf(handle));
    }

    public SignatureType GetTypeFromSpecification(MetadataReader reader, GenericNames genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public SignatureType GetGenericInstantiation(SignatureType genericType, ImmutableArray<SignatureType> typeArguments)
    {
        if (genericType.Name == "System.Nullable`1" && typeArguments.Length == 1)
            return new SignatureType(typeArguments[0].Name + "?", IsValueType: true);

        // Each nesting level carries its own arity suffix (Outer`1.Inner`1): hand out the arguments in order.
        var builder = new StringBuilder();
        int next = 0;
        string name = genericType.Name;
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] != '`')
            {
                builder.Append(name[i]);
                continue;
            }

            int start = ++i;
            while (i < name.Length && char.IsAsciiDigit(name[i]))
                i++;

            int arity = int.TryParse(name.AsSpan(start, i - start), out int parsed) ? parsed : 0;
            i--;
            builder.Append('<');
            for (int a = 0; a < arity; a++)
            {
                if (a > 0)
                    builder.Append(", ");
                builder.Append(next < typeArguments.Length ? typeArguments[next++].Name : "?");
            }

            builder.Append('>');
        }

        // An instantiation has no TypeDef/TypeRef token of its own.
        return new SignatureType(builder.ToString(), genericType.IsValueType);
    }

    public SignatureType GetGenericTypeParameter(GenericNames genericContext, int index) =>
        new(Lookup(genericContext.TypeParameters, index) ?? $"!{index}", IsValueType: false);

    public SignatureType GetGenericMethodParameter(GenericNames genericContext, int index) =>
        new(Lookup(genericContext.MethodParameters, index) ?? $"!!{index}", IsValueType: false);

    public SignatureType GetSZArrayType(SignatureType elementType) => new(elementType.Name + "[]", IsValueType: false);

    public SignatureType GetArrayType(SignatureType elementType, ArrayShape shape) =>
        new(elementType.Name + "[" + new string(',', Math.Max(shape.Rank - 1, 0)) + "]", IsValueType: false);

    // The element's token stays: a local function's `ref <>c__DisplayClass0_0` closure is read through it.
    public SignatureType GetByReferenceType(SignatureType elementType) => new("ref " + elementType.Name, IsValueType: false, elementType.TypeToken);

    public SignatureType GetPointerType(SignatureType elementType) => new(elementType.Name + "*", IsValueType: true);

    public SignatureType GetPinnedType(SignatureType elementType) => elementType;

    public SignatureType GetModifiedType(SignatureType modifier, SignatureType unmodifiedType, bool isRequired) => unmodifiedType;

    public SignatureType GetFunctionPointerType(MethodSignature<SignatureType> signature) =>
        new("delegate*<" + string.Join(", ", signature.ParameterTypes.Select(p => p.Name).Append(signature.ReturnType.Name)) + ">", IsValueType: true);

    /// <summary>Drops arity suffixes left on uninstantiated generic definitions (List`1 becomes List).</summary>
    public static string Clean(string name)
    {
        int tick = name.IndexOf('`');
        if (tick < 0)
            return name;

        var builder = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '`')
            {
                while (i + 1 < name.Length && char.IsAsciiDigit(name[i + 1]))
                    i++;
                continue;
            }

            builder.Append(name[i]);
        }

        return builder.ToString();
    }

    private static string? Lookup(ImmutableArray<string> names, int index) =>
        !names.IsDefault && index >= 0 && index < names.Length ? names[index] : null;

    private static string Qualify(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    private static int MetadataTokenOf(EntityHandle handle) => System.Reflection.Metadata.Ecma335.MetadataTokens.GetToken(handle);
}

/// <summary>A decoded signature type: its C#-like name, whether it is a value type, and its TypeDef/TypeRef token (0 for others).</summary>
internal readonly record struct SignatureType(string Name, bool IsValueType, int TypeToken = 0);

/// <summary>The declared names of the generic parameters in scope of a signature.</summary>
internal readonly record struct GenericNames(ImmutableArray<string> TypeParameters, ImmutableArray<string> MethodParameters);

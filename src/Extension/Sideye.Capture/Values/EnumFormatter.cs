using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Enum values by name, as <c>Enum.ToString()</c> shows them: the defined name; for a <c>[Flags]</c> enum the
/// names of its set bits joined by <c>" | "</c>; otherwise (undefined, or bits no name covers) null, and the
/// caller writes the number. Whether an enum is <c>[Flags]</c> comes from the module's metadata, read from the
/// target's memory (or the module file when the dump lacks it); when neither is there it counts as not flags.
/// </summary>
internal sealed class EnumFormatter
{
    private readonly TargetMemory _memory;
    private readonly Dictionary<ulong, EnumInfo?> _enums = new();
    private readonly Dictionary<ulong, ModuleMetadata?> _modules = new();

    public EnumFormatter(TargetMemory memory)
    {
        _memory = memory;
    }

    public string? TryFormat(ClrType enumType, ulong bits)
    {
        EnumInfo? info = GetInfo(enumType);
        if (info is null)
            return null;

        foreach ((string name, ulong value) in info.Values)
        {
            if (value == bits)
                return name;
        }

        if (!info.IsFlags || bits == 0)
            return null;

        // Like Enum.ToString: the largest defined values first, each taken when all its bits are still set.
        var names = new List<string>();
        ulong remaining = bits;
        foreach ((string name, ulong value) in info.Values.OrderByDescending(v => v.Value))
        {
            if (value != 0 && (remaining & value) == value)
            {
                names.Add(name);
                remaining &= ~value;
            }
        }

        if (remaining != 0 || names.Count == 0)
            return null;
        names.Reverse();
        return string.Join(" | ", names);
    }

    private EnumInfo? GetInfo(ClrType enumType)
    {
        if (_enums.TryGetValue(enumType.MethodTable, out EnumInfo? info))
            return info;

        try
        {
            ClrEnum clrEnum = enumType.AsEnum();
            ImmutableArray<(string, ulong)> values = clrEnum.EnumerateValues()
                .Where(v => v.Item1 is not null && v.Item2 is not null)
                .Select(v => (v.Item1, ToBits(v.Item2!)))
                .ToImmutableArray();
            info = new EnumInfo(values, IsFlags(enumType));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            info = null;
        }

        _enums[enumType.MethodTable] = info;
        return info;
    }

    private static ulong ToBits(object value) => value switch
    {
        sbyte v => unchecked((ulong)v),
        byte v => v,
        short v => unchecked((ulong)v),
        ushort v => v,
        int v => unchecked((ulong)v),
        uint v => v,
        long v => unchecked((ulong)v),
        ulong v => v,
        char v => v,
        bool v => v ? 1UL : 0UL,
        _ => 0,
    };

    private bool IsFlags(ClrType enumType)
    {
        ClrModule? module = enumType.Module;
        if (module is null)
            return false;
        if (!_modules.TryGetValue(module.Address, out ModuleMetadata? metadata))
        {
            metadata = ModuleMetadata.Load(_memory, module);
            _modules[module.Address] = metadata;
        }

        return metadata?.HasFlagsAttribute(enumType.MetadataToken) ?? false;
    }

    private sealed record EnumInfo(ImmutableArray<(string Name, ulong Value)> Values, bool IsFlags);

    /// <summary>A module's metadata kept in a pinned array, so the reader needs no disposal.</summary>
    private sealed unsafe class ModuleMetadata
    {
        private readonly byte[] _image;
        private readonly MetadataReader _reader;

        private ModuleMetadata(byte[] image, int offset, int length)
        {
            _image = image;
            byte* start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(image)) + offset;
            _reader = new MetadataReader(start, length);
        }

        public static ModuleMetadata? Load(TargetMemory memory, ClrModule module)
        {
            try
            {
                if (module.MetadataAddress != 0 && module.MetadataLength is > 0 and < 256UL * 1024 * 1024)
                {
                    byte[] image = GC.AllocateUninitializedArray<byte>((int)module.MetadataLength, pinned: true);
                    if (memory.TryRead(module.MetadataAddress, image))
                        return new ModuleMetadata(image, 0, image.Length);
                }

                if (module.Name is string path && File.Exists(path))
                {
                    byte[] file = File.ReadAllBytes(path);
                    using var pe = new PEReader(ImmutableArray.Create(file));
                    if (!pe.HasMetadata)
                        return null;
                    PEMemoryBlock block = pe.GetMetadata();
                    byte[] image = GC.AllocateUninitializedArray<byte>(block.Length, pinned: true);
                    block.GetContent().CopyTo(image);
                    return new ModuleMetadata(image, 0, image.Length);
                }
            }
            catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
            }

            return null;
        }

        public bool HasFlagsAttribute(int typeDefToken)
        {
            try
            {
                if ((typeDefToken >> 24) != 0x02)
                    return false;
                TypeDefinition type = _reader.GetTypeDefinition(MetadataTokens.TypeDefinitionHandle(typeDefToken & 0xFFFFFF));
                foreach (CustomAttributeHandle handle in type.GetCustomAttributes())
                {
                    if (IsFlagsAttribute(_reader.GetCustomAttribute(handle).Constructor))
                        return true;
                }
            }
            catch (BadImageFormatException)
            {
            }

            GC.KeepAlive(_image);
            return false;
        }

        private bool IsFlagsAttribute(EntityHandle constructor)
        {
            StringHandle name;
            StringHandle ns;
            if (constructor.Kind == HandleKind.MemberReference)
            {
                MemberReference member = _reader.GetMemberReference((MemberReferenceHandle)constructor);
                if (member.Parent.Kind != HandleKind.TypeReference)
                    return false;
                TypeReference reference = _reader.GetTypeReference((TypeReferenceHandle)member.Parent);
                (name, ns) = (reference.Name, reference.Namespace);
            }
            else if (constructor.Kind == HandleKind.MethodDefinition)
            {
                MethodDefinition method = _reader.GetMethodDefinition((MethodDefinitionHandle)constructor);
                TypeDefinition declaring = _reader.GetTypeDefinition(method.GetDeclaringType());
                (name, ns) = (declaring.Name, declaring.Namespace);
            }
            else
            {
                return false;
            }

            return _reader.StringComparer.Equals(name, "FlagsAttribute") && _reader.StringComparer.Equals(ns, "System");
        }
    }
}

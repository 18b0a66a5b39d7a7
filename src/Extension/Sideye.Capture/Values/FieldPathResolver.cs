using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Follows a field path such as <c>cs.Mu.Processing</c> from a variable's location through object and struct
/// fields, by the names users write (an auto-property by its name, not its backing field), with errors that say
/// what was there instead.
/// </summary>
internal sealed class FieldPathResolver
{
    private readonly TargetMemory _memory;
    private readonly Func<ulong, ClrType?> _objectType;

    public FieldPathResolver(TargetMemory memory, Func<ulong, ClrType?> objectType)
    {
        _memory = memory;
        _objectType = objectType;
    }

    public bool TryResolve(string rootName, ValueLocation root, IReadOnlyList<string> path, out ValueLocation? location, out string? error)
    {
        ValueLocation current = root;
        string currentName = rootName;
        foreach (string segment in path)
        {
            if (!TryStep(currentName, current, segment, out ValueLocation? next, out error))
            {
                location = null;
                return false;
            }

            current = next!;
            currentName = segment;
        }

        location = current;
        error = null;
        return true;
    }

    private bool TryStep(string name, ValueLocation current, string segment, out ValueLocation? next, out string? error)
    {
        next = null;
        ClrType? container;
        ulong? dataAddress = null;
        byte[]? dataBytes = null;

        switch (ValueWalker.Classify(current.Type, current.ElementType))
        {
            case ValueWalker.Storage.Reference:
                if (!TryReadPointer(current, out ulong obj))
                {
                    error = $"'{name}' could not be read";
                    return false;
                }

                if (obj == 0)
                {
                    error = $"'{name}' is null";
                    return false;
                }

                container = _objectType(obj);
                if (container is null)
                {
                    error = $"'{name}' is not a valid object ({JsonPair.Hex(obj)})";
                    return false;
                }

                if (container.IsString || container.IsArray)
                {
                    error = $"'{name}' is a {container.Name} and has no fields";
                    return false;
                }

                dataAddress = unchecked(obj + (ulong)_memory.PointerSize);
                break;

            case ValueWalker.Storage.Struct:
                container = current.Type!;
                dataAddress = current.Address;
                dataBytes = current.RegisterBytes;
                break;

            case ValueWalker.Storage.Primitive:
                error = $"'{name}' is a {current.Type?.Name ?? current.ElementType.ToString()} and has no fields";
                return false;

            default:
                error = $"'{name}' has a type the target does not describe ({current.Type?.Name ?? current.ElementType.ToString()})";
                return false;
        }

        ClrInstanceField? field = FieldNames.Find(container, segment);
        if (field is null)
        {
            IReadOnlyList<(string Name, ClrInstanceField Field)> fields = FieldNames.Of(container);
            string list = fields.Count == 0 ? "(none)" : string.Join(", ", fields.Select(f => f.Name));
            error = $"'{name}' has no field '{segment}'; fields: {list}";
            return false;
        }

        ClrType? fieldType = ValueWalker.FieldType(field);
        if (dataAddress is ulong address)
        {
            next = ValueLocation.InMemory(fieldType, unchecked(address + (ulong)field.Offset), field.ElementType);
        }
        else if (dataBytes is not null && field.Offset >= 0 && field.Offset < dataBytes.Length)
        {
            next = ValueLocation.InRegister(fieldType, dataBytes[field.Offset..], field.ElementType);
        }
        else
        {
            error = $"'{name}' has no readable location for field '{segment}'";
            return false;
        }

        error = null;
        return true;
    }

    private bool TryReadPointer(ValueLocation location, out ulong value)
    {
        if (location.Address is ulong address)
            return _memory.TryReadPointer(address, out value);
        byte[]? bytes = location.RegisterBytes;
        if (bytes is not null && bytes.Length >= _memory.PointerSize)
        {
            value = _memory.PointerSize == 8 ? BitConverter.ToUInt64(bytes, 0) : BitConverter.ToUInt32(bytes, 0);
            return true;
        }

        value = 0;
        return false;
    }
}

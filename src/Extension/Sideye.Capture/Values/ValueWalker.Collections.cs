using Microsoft.Diagnostics.Runtime;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Values;

/// <summary>
/// Arrays and the BCL collections rendered as their elements: T[] (any rank, flattened), List, Queue (head first),
/// Stack (top first), HashSet, Dictionary and ConcurrentDictionary (a JSON object when keyed by string, else an
/// array of <c>{"key","value"}</c>), ConcurrentQueue and the channels' Deque (head first), LinkedList, SortedSet
/// and SortedDictionary (in order), and ImmutableArray (in the scalars file); a StringBuilder as its text. At
/// most <c>MaxCollectionItems</c> elements, then the marker <c>"…(N items)"</c>.
/// </summary>
internal sealed partial class ValueWalker
{
    private const int MaxChainLength = 1_000_000;

    private void WriteArray(ulong obj, ClrType type, int depth)
    {
        if (!TryArrayLength(obj, out int length))
        {
            Error($"unreadable array at {JsonPair.Hex(obj)}", obj, type.Name, depth);
            return;
        }

        WriteBackedSequence(obj, type, obj, length, i => i, depth);
    }

    private bool WriteList(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "_items", out ulong items) || !TryReadInt(obj, type, "_size", out int size))
            return false;
        WriteBackedSequence(obj, type, items, size, i => i, depth);
        return true;
    }

    private bool WriteQueue(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "_array", out ulong array) || !TryReadInt(obj, type, "_head", out int head)
            || !TryReadInt(obj, type, "_size", out int size))
            return false;
        int capacity = array != 0 && TryArrayLength(array, out int n) ? n : 0;
        WriteBackedSequence(obj, type, array, size, i => capacity == 0 ? -1 : (int)(((long)head + i) % capacity), depth);
        return true;
    }

    private bool WriteStack(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "_array", out ulong array) || !TryReadInt(obj, type, "_size", out int size))
            return false;
        WriteBackedSequence(obj, type, array, size, i => size - 1 - i, depth);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="count"/> elements of the array <paramref name="array"/>, element i taken from index
    /// <paramref name="physical"/>(i), as the collection <paramref name="owner"/> of type <paramref name="ownerType"/>.
    /// </summary>
    private void WriteBackedSequence(ulong owner, ClrType ownerType, ulong array, int count, Func<int, int> physical, int depth)
    {
        ClrType? arrayType = array == 0 ? null : ObjectType(array);
        ClrType? component = arrayType is null ? null : ComponentType(arrayType);
        int length = 0;
        if (array != 0 && (arrayType is null || component is null || !TryArrayLength(array, out length)))
        {
            Error($"unreadable elements at {JsonPair.Hex(array)}", owner, ownerType.Name, depth);
            return;
        }

        count = Math.Max(0, count);
        _out.StartCollection(owner, ownerType.Name, count, keyed: false);
        int written = 0;
        int limit = Math.Min(count, _limits.MaxCollectionItems);
        for (int i = 0; i < limit && BudgetLeft; i++)
        {
            int index = physical(i);
            if (index < 0 || index >= length)
                break;
            WriteSlot(ElementAddress(array, arrayType!, index), component, component!.ElementType, depth + 1);
            written++;
        }

        _out.EndCollection(keyed: false, count, written);
    }

    /// <summary>Dictionary (entries key/value) or HashSet (entries Value): live entries have <c>next &gt;= -1</c>.</summary>
    private bool WriteHashed(ulong obj, ClrType type, int depth, bool keyed)
    {
        if (!TryReadRef(obj, type, "_entries", out ulong entries) || !TryReadInt(obj, type, "_count", out int used)
            || !TryReadInt(obj, type, "_freeCount", out int free))
            return false;

        int count = Math.Max(0, used - free);
        if (entries == 0)
        {
            _out.StartCollection(obj, type.Name, 0, keyed && IsStringKeyed(type));
            _out.EndCollection(keyed && IsStringKeyed(type), 0, 0);
            return true;
        }

        ClrType? entriesType = ObjectType(entries);
        ClrType? entryType = entriesType is null ? null : ComponentType(entriesType);
        ClrInstanceField? next = entryType?.GetFieldByName(keyed ? "next" : "_next") ?? entryType?.GetFieldByName("Next");
        ClrInstanceField? key = keyed ? entryType?.GetFieldByName("key") : null;
        ClrInstanceField? value = entryType?.GetFieldByName(keyed ? "value" : "Value") ?? entryType?.GetFieldByName("_value");
        if (entriesType is null || next is null || value is null || (keyed && key is null) || !TryArrayLength(entries, out int length))
            return false;

        bool stringKeys = keyed && IsStringKeyed(type);
        _out.StartCollection(obj, type.Name, count, stringKeys);
        int written = 0;
        for (int i = 0; i < Math.Min(used, length) && written < _limits.MaxCollectionItems && BudgetLeft; i++)
        {
            ulong entry = ElementAddress(entries, entriesType, i);
            if (!_memory.TryReadInt32(unchecked(entry + (ulong)next.Offset), out int link) || link < -1)
                continue;
            if (keyed)
                WriteEntry(entry, key!, entry, value, stringKeys, depth);
            else
                WriteSlot(unchecked(entry + (ulong)value.Offset), FieldType(value), value.ElementType, depth + 1);
            written++;
        }

        _out.EndCollection(stringKeys, count, written);
        return true;
    }

    /// <summary>ConcurrentDictionary: buckets of linked nodes under <c>_tables._buckets</c>; the count is the sum of <c>_countPerLock</c>.</summary>
    private bool WriteConcurrentDictionary(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "_tables", out ulong tables) || tables == 0 || ObjectType(tables) is not ClrType tablesType
            || !TryReadRef(tables, tablesType, "_buckets", out ulong buckets) || buckets == 0
            || ObjectType(buckets) is not ClrType bucketsType || ComponentType(bucketsType) is not ClrType bucketType
            || !TryArrayLength(buckets, out int bucketCount))
            return false;

        long count = SumCounts(tables, tablesType);
        bool stringKeys = IsStringKeyed(type);
        ClrInstanceField? nodeField = bucketType.IsValueType ? bucketType.GetFieldByName("_node") : null;
        _out.StartCollection(obj, type.Name, Math.Max(count, 0), stringKeys);
        int written = 0;
        int walked = 0;
        for (int b = 0; b < bucketCount && walked < MaxChainLength; b++)
        {
            ulong slot = ElementAddress(buckets, bucketsType, b);
            if (nodeField is not null)
                slot = unchecked(slot + (ulong)nodeField.Offset);
            if (!_memory.TryReadPointer(slot, out ulong node))
                continue;
            while (node != 0 && walked++ < MaxChainLength)
            {
                if (ObjectType(node) is not ClrType nodeType || nodeType.GetFieldByName("_key") is not ClrInstanceField key
                    || nodeType.GetFieldByName("_value") is not ClrInstanceField value
                    || !TryReadRef(node, nodeType, "_next", out ulong nextNode))
                    break;
                if (written < _limits.MaxCollectionItems && BudgetLeft)
                {
                    ulong data = unchecked(node + (ulong)PointerSize);
                    WriteEntry(data, key, data, value, stringKeys, depth);
                    written++;
                }

                node = nextNode;
            }

            if (count >= 0 && walked >= count && written >= Math.Min(count, _limits.MaxCollectionItems))
                break;
        }

        _out.EndCollection(stringKeys, count >= 0 ? count : walked, written);
        return true;
    }

    private long SumCounts(ulong tables, ClrType tablesType)
    {
        if (!TryReadRef(tables, tablesType, "_countPerLock", out ulong counts) || counts == 0 || !TryArrayLength(counts, out int n))
            return -1;
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            if (!_memory.TryReadInt32(unchecked(counts + (ulong)(2 * PointerSize) + (ulong)(4 * i)), out int c))
                return -1;
            sum += c;
        }

        return sum;
    }

    /// <summary>One dictionary entry: a property named by its string key, or <c>{"key": …, "value": …}</c>.</summary>
    private void WriteEntry(ulong keyBase, ClrInstanceField key, ulong valueBase, ClrInstanceField value, bool stringKeys, int depth)
    {
        ulong keySlot = unchecked(keyBase + (ulong)key.Offset);
        ulong valueSlot = unchecked(valueBase + (ulong)value.Offset);
        if (stringKeys)
        {
            string name = _memory.TryReadPointer(keySlot, out ulong keyObj) ? ReadKeyString(keyObj) ?? $"{JsonPair.Ellipsis}(unreadable key)" : $"{JsonPair.Ellipsis}(unreadable key)";
            _out.Property(name);
            if (_redactor.IsSensitiveName(name))
                WriteRedacted(valueSlot, FieldType(value), value.ElementType, RedactionRules.ByName);
            else
                WriteSlot(valueSlot, FieldType(value), value.ElementType, depth + 1);
            return;
        }

        _out.StartPair();
        _out.Property("key");
        WriteSlot(keySlot, FieldType(key), key.ElementType, depth + 1);
        _out.Property("value");
        // A key that names its value (an HttpClient header's descriptor) redacts it as a field name would.
        if (HeaderName(keySlot, FieldType(key)) is string header && _redactor.IsSensitiveName(header))
            WriteRedacted(valueSlot, FieldType(value), value.ElementType, RedactionRules.ByName);
        else
            WriteSlot(valueSlot, FieldType(value), value.ElementType, depth + 1);
        _out.EndObject();
    }

    private static bool IsStringKeyed(ClrType dictionaryType)
    {
        for (ClrType? t = dictionaryType; t is not null; t = t.BaseType)
        {
            string definition = TypeNames.GenericDefinition(t.Name ?? "");
            if (definition is "System.Collections.Generic.Dictionary" or "System.Collections.Concurrent.ConcurrentDictionary"
                or "System.Collections.Generic.SortedDictionary")
                return TypeNames.GenericArguments(t.Name!) is [string keyType, ..] && keyType == "System.String";
        }

        return false;
    }

    private ulong ElementAddress(ulong array, ClrType arrayType, int index)
    {
        if (arrayType.ElementType == ClrElementType.SZArray || !arrayType.IsArray)
            return unchecked(array + (ulong)(2 * PointerSize) + (ulong)index * (ulong)arrayType.ComponentSize);
        try
        {
            return arrayType.GetArrayElementAddress(array, index);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return 0;
        }
    }

    private bool TryArrayLength(ulong array, out int length) =>
        _memory.TryReadInt32(unchecked(array + (ulong)PointerSize), out length) && length >= 0;

    private static ClrType? ComponentType(ClrType arrayType)
    {
        try
        {
            return arrayType.ComponentType;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    private bool TryReadRef(ulong obj, ClrType type, string fieldName, out ulong value)
    {
        value = 0;
        return type.GetFieldByName(fieldName) is ClrInstanceField field
            && _memory.TryReadPointer(unchecked(obj + (ulong)PointerSize + (ulong)field.Offset), out value);
    }

    private bool TryReadInt(ulong obj, ClrType type, string fieldName, out int value)
    {
        value = 0;
        return type.GetFieldByName(fieldName) is ClrInstanceField field
            && _memory.TryReadInt32(unchecked(obj + (ulong)PointerSize + (ulong)field.Offset), out value);
    }
}

using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// The linked and tree-shaped BCL collections, read through their private fields as the runtime lays them out
/// (.NET 6+): ConcurrentQueue (a chain of ring segments),
/// LinkedList (a circular chain), SortedSet and SortedDictionary (red-black trees, written in order), and
/// StringBuilder (a backwards chain of chunks), rendered as its text.
/// </summary>
internal sealed partial class ValueWalker
{
    /// <summary>ConcurrentQueue: segments from <c>_head</c>; each holds slots [Head, Tail) of <c>_slots</c>, masked.</summary>
    private bool WriteConcurrentQueue(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "_head", out ulong segment))
            return false;
        var items = new List<(ulong Slot, ClrType? Type, ClrElementType Element)>();
        long count = 0;
        for (int hops = 0; segment != 0 && hops < MaxChainLength; hops++)
        {
            if (ObjectType(segment) is not ClrType segmentType || !TryReadRef(segment, segmentType, "_slots", out ulong slots)
                || slots == 0 || ObjectType(slots) is not ClrType slotsType || ComponentType(slotsType) is not ClrType slotType
                || slotType.GetFieldByName("Item") is not ClrInstanceField item || !TryArrayLength(slots, out int capacity) || capacity == 0
                || segmentType.GetFieldByName("_headAndTail") is not { IsValueType: true } headAndTail
                || headAndTail.Type?.GetFieldByName("Head") is not ClrInstanceField headField
                || headAndTail.Type.GetFieldByName("Tail") is not ClrInstanceField tailField)
                return false;
            ulong positions = unchecked(segment + (ulong)PointerSize + (ulong)headAndTail.Offset);
            if (!_memory.TryReadInt32(unchecked(positions + (ulong)headField.Offset), out int head)
                || !_memory.TryReadInt32(unchecked(positions + (ulong)tailField.Offset), out int tail))
                return false;
            // A segment frozen for enqueues (a newer one follows) has its tail pushed up by twice its length.
            if (TryReadBool(segment, segmentType, "_frozenForEnqueues", out bool frozen) && frozen)
                tail -= 2 * capacity;
            int inSegment = Math.Clamp(tail - head, 0, capacity);
            count += inSegment;
            for (int i = 0; i < inSegment && items.Count < _limits.MaxCollectionItems; i++)
                items.Add((unchecked(ElementAddress(slots, slotsType, (head + i) & (capacity - 1)) + (ulong)item.Offset), FieldType(item), item.ElementType));
            if (!TryReadRef(segment, segmentType, "_nextSegment", out segment))
                break;
        }

        WriteSlots(obj, type, count, items, depth);
        return true;
    }

    /// <summary>LinkedList: <c>head</c>, then <c>next</c> until back at the head.</summary>
    private bool WriteLinkedList(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "head", out ulong head) || !TryReadInt(obj, type, "count", out int count))
            return false;
        var items = new List<(ulong, ClrType?, ClrElementType)>();
        ulong node = head;
        for (int i = 0; node != 0 && i < Math.Min(count, _limits.MaxCollectionItems); i++)
        {
            if (ObjectType(node) is not ClrType nodeType || nodeType.GetFieldByName("item") is not ClrInstanceField item)
                return false;
            items.Add((unchecked(node + (ulong)PointerSize + (ulong)item.Offset), FieldType(item), item.ElementType));
            if (!TryReadRef(node, nodeType, "next", out node) || node == head)
                break;
        }

        WriteSlots(obj, type, count, items, depth);
        return true;
    }

    private bool WriteSortedSet(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "root", out ulong root) || !TryReadInt(obj, type, "count", out int count))
            return false;
        var items = new List<(ulong, ClrType?, ClrElementType)>();
        if (!InOrder(root, items))
            return false;
        WriteSlots(obj, type, count, items, depth);
        return true;
    }

    /// <summary>SortedDictionary: a SortedSet (<c>_set</c>) of KeyValuePair, in key order.</summary>
    private bool WriteSortedDictionary(ulong obj, ClrType type, int depth)
    {
        if (!TryReadRef(obj, type, "_set", out ulong set) || set == 0 || ObjectType(set) is not ClrType setType
            || !TryReadRef(set, setType, "root", out ulong root) || !TryReadInt(set, setType, "count", out int count))
            return false;
        var pairs = new List<(ulong Slot, ClrType? Type, ClrElementType Element)>();
        if (!InOrder(root, pairs))
            return false;
        bool stringKeys = IsStringKeyed(type);
        _out.StartCollection(obj, type.Name, count, stringKeys);
        int written = 0;
        foreach ((ulong pair, ClrType? pairType, _) in pairs)
        {
            if (!BudgetLeft || pairType?.GetFieldByName("key") is not ClrInstanceField key || pairType.GetFieldByName("value") is not ClrInstanceField value)
                break;
            WriteEntry(pair, key, pair, value, stringKeys, depth);
            written++;
        }

        _out.EndCollection(stringKeys, count, written);
        return true;
    }

    /// <summary>The first <c>MaxCollectionItems</c> items of a red-black tree (<c>Left</c>, <c>Item</c>, <c>Right</c>), in order.</summary>
    private bool InOrder(ulong root, List<(ulong Slot, ClrType? Type, ClrElementType Element)> items)
    {
        var pending = new Stack<ulong>();
        ulong node = root;
        int visited = 0;
        while ((node != 0 || pending.Count > 0) && items.Count < _limits.MaxCollectionItems && visited++ < MaxChainLength)
        {
            while (node != 0 && pending.Count < 128) // a red-black tree of 2^63 items is 126 deep
            {
                pending.Push(node);
                if (ObjectType(node) is not ClrType t || !TryReadRef(node, t, NodeField(t, "Left"), out node))
                    return false;
            }

            node = pending.Pop();
            if (ObjectType(node) is not ClrType nodeType || nodeType.GetFieldByName(NodeField(nodeType, "Item")) is not ClrInstanceField item)
                return false;
            items.Add((unchecked(node + (ulong)PointerSize + (ulong)item.Offset), FieldType(item), item.ElementType));
            if (!TryReadRef(node, nodeType, NodeField(nodeType, "Right"), out node))
                return false;
        }

        return true;
    }

    /// <summary>A tree node's member: a plain field, or (SortedSet's Node in .NET 5+) an auto-property's backing field.</summary>
    private static string NodeField(ClrType node, string name) =>
        node.GetFieldByName(name) is not null ? name : $"<{name}>k__BackingField";

    /// <summary>Writes collected element slots as a collection of <paramref name="count"/> items.</summary>
    private void WriteSlots(ulong owner, ClrType ownerType, long count, List<(ulong Slot, ClrType? Type, ClrElementType Element)> items, int depth)
    {
        _out.StartCollection(owner, ownerType.Name, count, keyed: false);
        int written = 0;
        foreach ((ulong slot, ClrType? type, ClrElementType element) in items)
        {
            if (!BudgetLeft)
                break;
            WriteSlot(slot, type, element, depth + 1);
            written++;
        }

        _out.EndCollection(keyed: false, count, written);
    }

    /// <summary>
    /// StringBuilder: chunks linked backwards from the last (<c>m_ChunkPrevious</c>), each <c>m_ChunkLength</c> chars
    /// of <c>m_ChunkChars</c>; the text is cut like a string's.
    /// </summary>
    private bool WriteStringBuilder(ulong obj, ClrType type)
    {
        var chunks = new List<(ulong Chars, int Length)>();
        long total = 0;
        ulong chunk = obj;
        for (int hops = 0; chunk != 0 && hops < MaxChainLength; hops++)
        {
            if (!TryReadRef(chunk, type, "m_ChunkChars", out ulong chars) || !TryReadInt(chunk, type, "m_ChunkLength", out int length)
                || !TryReadRef(chunk, type, "m_ChunkPrevious", out ulong previous) || length < 0)
                return false;
            chunks.Add((chars, length));
            total += length;
            chunk = previous;
        }

        chunks.Reverse();
        int want = (int)Math.Min(total, _limits.MaxStringBytes); // every char is at least one UTF-8 byte
        var text = new char[want];
        int have = 0;
        foreach ((ulong chars, int length) in chunks)
        {
            int take = Math.Min(length, want - have);
            if (take <= 0)
                break;
            if (chars == 0 || !_memory.TryRead(unchecked(chars + (ulong)(2 * PointerSize)), System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan(have, take))))
                return false;
            have += take;
        }

        int fit = FitUtf8(text, _limits.MaxStringBytes);
        _out.String(fit == total ? new string(text, 0, fit) : new string(text, 0, fit) + $"{JsonPair.Ellipsis}({total} chars, cut)");
        return true;
    }

    private bool TryReadBool(ulong obj, ClrType type, string fieldName, out bool value)
    {
        value = false;
        Span<byte> raw = stackalloc byte[1];
        if (type.GetFieldByName(fieldName) is not ClrInstanceField field
            || !_memory.TryRead(unchecked(obj + (ulong)PointerSize + (ulong)field.Offset), raw))
            return false;
        value = raw[0] != 0;
        return true;
    }
}

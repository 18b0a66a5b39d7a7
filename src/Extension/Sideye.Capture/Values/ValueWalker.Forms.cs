using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Which shape an object renders in: its fields, or one of the forms the BCL types get (a collection's items, a
/// Task's status, a delegate's method…). Decided by the type and its base types once per method table for the
/// whole capture, so an ordinary object costs one dictionary lookup rather than three walks up its base types.
/// </summary>
internal sealed partial class ValueWalker
{
    internal enum ObjectForm : byte
    {
        Fields,
        List, Queue, Stack, HashSet, Dictionary, ConcurrentDictionary, ConcurrentQueue, Deque, LinkedList, SortedSet, SortedDictionary,
        StringBuilder, Task, CancellationTokenSource, Uri, RuntimeType, Delegate, Exception,
    }

    /// <summary>The forms by (generic definition of) the type that carries them; derived types inherit the form.</summary>
    private static readonly Dictionary<string, ObjectForm> FormsByTypeName = new(StringComparer.Ordinal)
    {
        ["System.Collections.Generic.List"] = ObjectForm.List,
        ["System.Collections.Generic.Queue"] = ObjectForm.Queue,
        ["System.Collections.Generic.Stack"] = ObjectForm.Stack,
        ["System.Collections.Generic.HashSet"] = ObjectForm.HashSet,
        ["System.Collections.Generic.Dictionary"] = ObjectForm.Dictionary,
        ["System.Collections.Concurrent.ConcurrentDictionary"] = ObjectForm.ConcurrentDictionary,
        ["System.Collections.Concurrent.ConcurrentQueue"] = ObjectForm.ConcurrentQueue,
        ["System.Collections.Generic.Deque"] = ObjectForm.Deque, // behind System.Threading.Channels' bounded and single-consumer channels
        ["System.Collections.Generic.LinkedList"] = ObjectForm.LinkedList,
        ["System.Collections.Generic.SortedSet"] = ObjectForm.SortedSet,
        ["System.Collections.Generic.SortedDictionary"] = ObjectForm.SortedDictionary,
        ["System.Text.StringBuilder"] = ObjectForm.StringBuilder,
        ["System.Threading.Tasks.Task"] = ObjectForm.Task,
        ["System.Threading.CancellationTokenSource"] = ObjectForm.CancellationTokenSource,
        ["System.Uri"] = ObjectForm.Uri,
        ["System.RuntimeType"] = ObjectForm.RuntimeType,
        ["System.Delegate"] = ObjectForm.Delegate,
        ["System.Exception"] = ObjectForm.Exception,
    };

    private ObjectForm FormOf(ClrType type)
    {
        if (_forms.TryGetValue(type.MethodTable, out ObjectForm known))
            return known;
        ObjectForm form = ObjectForm.Fields;
        for (ClrType? t = type; t is not null && t.Name != "System.Object"; t = t.BaseType)
        {
            if (FormsByTypeName.TryGetValue(TypeNames.GenericDefinition(t.Name ?? ""), out form))
                break;
        }

        _forms[type.MethodTable] = form;
        return form;
    }

    /// <summary>Writes the object in its form; false when its memory does not have that form's shape (then it is written as fields).</summary>
    private bool TryWriteForm(ulong obj, ClrType type, ObjectForm form, int depth) => form switch
    {
        ObjectForm.List => WriteList(obj, type, depth),
        ObjectForm.Queue or ObjectForm.Deque => WriteQueue(obj, type, depth),
        ObjectForm.Stack => WriteStack(obj, type, depth),
        ObjectForm.HashSet => WriteHashed(obj, type, depth, keyed: false),
        ObjectForm.Dictionary => WriteHashed(obj, type, depth, keyed: true),
        ObjectForm.ConcurrentDictionary => WriteConcurrentDictionary(obj, type, depth),
        ObjectForm.ConcurrentQueue => WriteConcurrentQueue(obj, type, depth),
        ObjectForm.LinkedList => WriteLinkedList(obj, type, depth),
        ObjectForm.SortedSet => WriteSortedSet(obj, type, depth),
        ObjectForm.SortedDictionary => WriteSortedDictionary(obj, type, depth),
        ObjectForm.StringBuilder => WriteStringBuilder(obj, type),
        ObjectForm.Task => WriteTask(obj, type, depth),
        ObjectForm.CancellationTokenSource => WriteCancellationTokenSource(obj, type),
        ObjectForm.Uri => WriteUri(obj, type, depth),
        ObjectForm.RuntimeType => WriteRuntimeType(obj, type),
        ObjectForm.Delegate => WriteDelegate(obj, type, depth),
        ObjectForm.Exception => WriteException(obj, type, depth),
        _ => false,
    };
}

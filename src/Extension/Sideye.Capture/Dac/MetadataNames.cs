using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace Sideye.Capture.Dac;

/// <summary>Names read straight from metadata, shared by the PDB local reader and the spec checker's method reader.</summary>
internal static class MetadataNames
{
    /// <summary>A method's parameter names by position (without <c>this</c>); null where metadata has none.</summary>
    public static string?[] ParameterNames(MetadataReader metadata, MethodDefinition method, int count)
    {
        var names = new string?[count];
        foreach (ParameterHandle handle in method.GetParameters())
        {
            Parameter parameter = metadata.GetParameter(handle);
            int position = parameter.SequenceNumber - 1; // 0 is the return value
            if (position >= 0 && position < count)
                names[position] = metadata.GetString(parameter.Name);
        }

        return names;
    }

    /// <summary>The names of generic parameters (<c>T</c>, <c>TKey</c>), in order.</summary>
    public static ImmutableArray<string> GenericParameterNames(MetadataReader metadata, GenericParameterHandleCollection parameters) =>
        parameters.Select(p => metadata.GetString(metadata.GetGenericParameter(p).Name)).ToImmutableArray();
}

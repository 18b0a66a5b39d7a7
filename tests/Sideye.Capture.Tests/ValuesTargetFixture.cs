using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Values;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Tests;

/// <summary>One known-values process per configuration and test class: started, attached (suspended), shared by its tests.</summary>
public abstract class ValuesTargetFixture : IDisposable
{
    private readonly KnownValuesTarget _target;
    private IReadOnlyList<ClrObject>? _boxes;

    protected ValuesTargetFixture(string configuration)
    {
        _target = KnownValuesTarget.Start(configuration);
        Renderer = new ValueRenderer(_target.Runtime, CaptureLimits.Default);
    }

    public string Configuration => _target.Configuration;

    public ClrRuntime Runtime => _target.Runtime;

    public ValueRenderer Renderer { get; }

    public ClrType Statics => _target.Type("KnownValues.Statics");

    public ClrType Type(string name) => _target.Type(name);

    /// <summary>Every async state machine box of the target's own methods (one heap walk, cached).</summary>
    public IReadOnlyList<ClrObject> Boxes => _boxes ??= Runtime.Heap.EnumerateObjects()
        .Where(o => StateMachineVariables.IsStateMachineBox(o.Type) && o.Type!.Name!.Contains("KnownValues.", StringComparison.Ordinal))
        .ToList();

    public void Dispose()
    {
        _target.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class ReleaseTargetFixture() : ValuesTargetFixture("Release");

public sealed class DebugTargetFixture() : ValuesTargetFixture("Debug");

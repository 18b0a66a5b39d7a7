namespace Sideye.SpecCompiler;

/// <summary>An argument or local of a target method.</summary>
/// <param name="Name">As in source: for async methods the hoisted local's own name (<c>cs</c>, not <c>&lt;cs&gt;5__2</c>).</param>
/// <param name="TypeName">For messages only ("available: request (GetInfoRequest)"); any readable spelling.</param>
public sealed record TargetVariable(string Name, string TypeName)
{
    public override string ToString() => $"{Name} ({TypeName})";
}

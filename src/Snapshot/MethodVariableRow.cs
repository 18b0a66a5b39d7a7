using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// One row of <c>method_variables</c>: a parameter, local or <c>this</c> of a method that is on one of the process's
/// stacks and has a PDB, as its metadata and PDB describe it (what <c>sideye spec vars</c> prints). Recorded so a client
/// of the query server, which cannot read the target's modules, can offer what a spec may capture there.
/// </summary>
/// <param name="Method">As <c>frames.method</c> spells it (<c>Ns.Type.Method</c>): what a spec's <c>function</c> names.</param>
/// <param name="Module">The module's file name, as <c>frames.module</c>.</param>
/// <param name="MethodToken">The method definition's metadata token (the method the user wrote, not an async method's MoveNext).</param>
/// <param name="Signature">C#-like, without namespaces: <c>Task&lt;GetInfoResponse&gt; GetInfo(GetInfoRequest request, ServerCallContext context)</c>; overloads differ here.</param>
/// <param name="StateMachine"><c>async</c>, <c>iterator</c>, <c>async-iterator</c>, or null for a method without a state machine.</param>
/// <param name="Position">The variable's place in its overload: <c>this</c>, the parameters in order, then the locals (in the order the PDB or the state machine lists them: mostly declaration order).</param>
/// <param name="Name">As written in the source (a hoisted <c>&lt;cs&gt;5__2</c> is <c>cs</c>): what a spec's <c>capture</c> names.</param>
/// <param name="Type">C#-like, with namespaces (<c>SlowRpc.Protos.GetInfoRequest</c>, <c>int</c>, <c>System.Collections.Generic.List&lt;int&gt;</c>).</param>
/// <param name="Kind">See <see cref="MethodVariableKinds"/>.</param>
/// <param name="Storage">Where it lives while the method is on a stack: see <see cref="MethodVariableStorages"/>.</param>
/// <param name="Field">For a variable in a state machine or a closure, the field that holds it (<c>&lt;cs&gt;5__2</c>).</param>
/// <param name="Hoisted">
/// For a method with a state machine, whether the variable lives in it (a field of the state machine or of a closure it
/// holds), so a suspended call has it; null for other methods, whose variables are all in the frame.
/// </param>
/// <param name="Capturable">
/// Whether a spec can capture it at all: false only for an async method's parameter or <c>this</c> that was not
/// hoisted (the spec check rejects those). A local that was not hoisted is capturable from calls running on a thread.
/// </param>
/// <param name="Scopes">For a local, the IL ranges where it is in scope (of MoveNext for a state machine): <c>IL_0000..IL_0042, ...</c>; null when the whole method (parameters, <c>this</c>) or unknown.</param>
public sealed record MethodVariableRow(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("module")] string? Module,
    [property: JsonPropertyName("method_token")] int MethodToken,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("state_machine")] string? StateMachine,
    [property: JsonPropertyName("position")] int Position,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("field")] string? Field,
    [property: JsonPropertyName("hoisted")] bool? Hoisted,
    [property: JsonPropertyName("capturable")] bool Capturable,
    [property: JsonPropertyName("scopes")] string? Scopes);

/// <summary>The values of <see cref="MethodVariableRow.Kind"/>.</summary>
public static class MethodVariableKinds
{
    public const string This = "this";
    public const string Parameter = "parameter";
    public const string Local = "local";
}

/// <summary>The values of <see cref="MethodVariableRow.Storage"/>.</summary>
public static class MethodVariableStorages
{
    /// <summary>An argument or IL local of the frame: read through the DAC while the method runs on a thread.</summary>
    public const string Frame = "frame";

    /// <summary>A field of the method's state machine: readable whether the call is suspended or running.</summary>
    public const string StateMachine = "state-machine";

    /// <summary>A local captured by a lambda: a field of the closure the state machine holds.</summary>
    public const string Closure = "closure";

    /// <summary>A state machine's variable the compiler did not hoist (Release builds hoist only what is used after an await or yield).</summary>
    public const string NotHoisted = "not-hoisted";

    /// <summary>
    /// A runtime-async method's argument or local (.NET 11): read from the frame while the call runs on a thread, and
    /// from its continuation while it is suspended, at the awaits after which it is live (where the JIT saved it).
    /// </summary>
    public const string Continuation = "continuation";
}

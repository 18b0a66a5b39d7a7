using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Values;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Walk;

/// <summary>
/// Executes a spec's capture plan on the frames of one walk: for every frame of a spec'd function, each
/// planned column becomes a <see cref="CapturedVariable"/>. Async frames read their state machine on the
/// heap (parameters and hoisted locals by the names the user wrote). A variable with no value here is
/// NULL with a reason, never an error and never a guess.
/// </summary>
internal sealed class FrameVariableCapture
{
    private readonly ClrRuntime _runtime;
    private readonly Dictionary<string, FunctionCapture> _functions;
    private readonly ValueRenderer _renderer;

    public FrameVariableCapture(ClrRuntime runtime, CapturePlan plan)
    {
        _runtime = runtime;
        _functions = plan.Functions.ToDictionary(f => f.Function, StringComparer.Ordinal);
        _renderer = new ValueRenderer(runtime, plan.Limits);
    }

    public bool IsEmpty => _functions.Count == 0;

    /// <summary>Adds the planned variables to every matching frame of <paramref name="stacks"/>.</summary>
    public IReadOnlyList<CapturedStack> Capture(IReadOnlyList<CapturedStack> stacks)
    {
        if (IsEmpty)
            return stacks;
        var result = new List<CapturedStack>(stacks.Count);
        foreach (CapturedStack stack in stacks)
        {
            List<CapturedFrame>? frames = null;
            for (int i = 0; i < stack.Frames.Count; i++)
            {
                CapturedFrame frame = stack.Frames[i];
                if (!_functions.TryGetValue(frame.Method, out FunctionCapture? function))
                    continue;
                frames ??= stack.Frames.ToList();
                frames[i] = frame with { Variables = CaptureFrame(frame, function) };
            }
            result.Add(frames is null ? stack : stack with { Frames = frames });
        }
        return result;
    }

    private IReadOnlyList<CapturedVariable> CaptureFrame(CapturedFrame frame, FunctionCapture function)
    {
        if (frame.Kind != FrameKinds.Async || frame.ObjectAddress is not ulong box)
            return Unavailable(function, "locals of a frame running on a thread are not captured by this build yet (async frames are)");
        if (!StateMachineVariables.TryRead(_runtime, box, out StateMachineVariables? sm, out string? error) || sm is null)
            return Unavailable(function, $"the state machine could not be read: {error}");

        var values = new List<CapturedVariable>(function.Variables.Count);
        foreach (VariableCapture v in function.Variables)
        {
            AsyncVariable? root = sm.Find(v.RootVariable);
            if (root is null)
            {
                string names = string.Join(", ", sm.Variables.Select(x => x.Name));
                values.Add(new CapturedVariable(function.Function, v.Column, null, null, null,
                    $"'{v.RootVariable}' is not in this frame's state machine (the compiler hoists only variables used after an await; hoisted here: {names})"));
                continue;
            }
            ValueLocation location = root.Location;
            if (v.FieldPath.Count > 0)
            {
                if (!_renderer.TryResolvePath(v.RootVariable, location, v.FieldPath, out ValueLocation? resolved, out string? pathError))
                {
                    values.Add(new CapturedVariable(function.Function, v.Column, null, null, null, pathError));
                    continue;
                }
                location = resolved;
            }
            RenderedValue rendered = _renderer.RenderLocation(location);
            values.Add(rendered.IsAvailable
                ? new CapturedVariable(function.Function, v.Column, rendered.Json, rendered.RawJson, rendered.TypeName, null)
                : new CapturedVariable(function.Function, v.Column, null, null, rendered.TypeName, rendered.Unavailable));
        }
        return values;
    }

    private static IReadOnlyList<CapturedVariable> Unavailable(FunctionCapture function, string reason) =>
        function.Variables.Select(v => new CapturedVariable(function.Function, v.Column, null, null, null, reason)).ToList();
}

using Sideye.QueryServer.Stacks;

namespace Sideye.QueryServer.Flamegraph;

/// <summary>Writes stacks as a speedscope file, frames keyed by method name like the flame graph.</summary>
public static class SpeedscopeBuilder
{
    public static SpeedscopeFile Build(string snapshotId, SnapshotStacks snapshot, IEnumerable<StackRecord> stacks)
    {
        var frames = new List<SpeedscopeFrame>();
        var frameIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var profiles = new List<SpeedscopeProfile>();
        foreach (IGrouping<int, StackRecord> process in stacks.GroupBy(s => s.Pid).OrderBy(g => g.Key))
        {
            // Identical shapes become one weighted sample, keyed by their index list.
            var samples = new Dictionary<string, (int[] Indices, int Weight)>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (StackRecord stack in process)
            {
                int[] indices = new int[stack.Frames.Count];
                for (int i = 0; i < indices.Length; i++)
                {
                    StackFrame frame = stack.Frames[stack.Frames.Count - 1 - i];
                    if (!frameIndex.TryGetValue(frame.Method, out int index))
                    {
                        frameIndex[frame.Method] = index = frames.Count;
                        frames.Add(new SpeedscopeFrame(frame.Method, frame.File));
                    }
                    indices[i] = index;
                }
                string key = string.Join(',', indices);
                if (samples.TryGetValue(key, out var sample))
                    samples[key] = (sample.Indices, sample.Weight + 1);
                else
                {
                    samples[key] = (indices, 1);
                    order.Add(key);
                }
            }
            int total = process.Count();
            profiles.Add(new SpeedscopeProfile("sampled", snapshot.ProcessLabel(process.Key), "none", 0, total,
                [.. order.Select(k => (IReadOnlyList<int>)samples[k].Indices)], [.. order.Select(k => samples[k].Weight)]));
        }
        return new SpeedscopeFile(SpeedscopeFile.SchemaUrl, $"Sideye snapshot {snapshotId}", "sideye", 0,
            new SpeedscopeShared(frames), profiles);
    }
}

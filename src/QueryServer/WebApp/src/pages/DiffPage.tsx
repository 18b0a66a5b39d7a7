import { api, type FlameNode, type SnapshotSummary } from "../api";
import { ErrorBox, Loading } from "../components/ErrorBox";
import { FlameChart } from "../components/FlameChart";
import { when } from "../format";
import { filtersOf, href, navigate } from "../route";
import { useAsync } from "../useAsync";

type DeltaNode = FlameNode & { delta: number; children: DeltaNode[] };

/** The newer tree with each node's change in stacks since the older one (d3-flame-graph's differential colors). */
function withDelta(to: FlameNode, from: FlameNode | undefined): DeltaNode {
  const before = new Map((from?.children ?? []).map((c) => [c.name, c]));
  return { ...to, delta: to.value - (from?.value ?? 0), children: to.children.map((c) => withDelta(c, before.get(c.name))) };
}

/**
 * Compare two snapshots: stack groups that appeared, disappeared, grew or shrank (matched by shape, processes
 * by name), and a differential flame graph of the newer one (red: more stacks than before, blue: fewer).
 */
export function DiffPage({ snapshots, params }: { snapshots: SnapshotSummary[]; params: URLSearchParams }) {
  const sorted = [...snapshots].sort((a, b) => a.captured_at_utc.localeCompare(b.captured_at_utc));
  const to = params.get("to") ?? sorted[sorted.length - 1]?.id ?? "";
  const toIndex = sorted.findIndex((s) => s.id === to);
  const from = params.get("from") ?? (toIndex > 0 ? sorted[toIndex - 1].id : sorted[0]?.id ?? "");
  const filters = filtersOf(params);
  delete filters.stack;
  const changes = useAsync(() => (from && to ? api.diff(from, to, filters) : Promise.resolve([])), [from, to, params.toString()]);
  const trees = useAsync(
    () => (from && to ? Promise.all([api.flamegraph(from, filters), api.flamegraph(to, filters)]) : Promise.resolve(undefined)),
    [from, to, params.toString()],
  );
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set("from", from);
    next.set("to", to);
    next.set(name, value);
    navigate(href("diff", undefined, next));
  };
  const changed = (changes.data ?? []).filter((c) => c.change !== "same");

  return (
    <section>
      <div class="toolbar">
        <h1>Compare</h1>
        <label>
          older
          <select aria-label="older snapshot" value={from} onChange={(e) => set("from", (e.target as HTMLSelectElement).value)}>
            {sorted.map((s) => (
              <option value={s.id}>{when(s.captured_at_utc)} ({s.id})</option>
            ))}
          </select>
        </label>
        <label>
          newer
          <select aria-label="newer snapshot" value={to} onChange={(e) => set("to", (e.target as HTMLSelectElement).value)}>
            {sorted.map((s) => (
              <option value={s.id}>{when(s.captured_at_utc)} ({s.id})</option>
            ))}
          </select>
        </label>
      </div>
      {sorted.length < 2 && <p class="hint">Take a second snapshot to compare two.</p>}
      <ErrorBox error={changes.error ?? trees.error} />
      {changes.loading && <Loading what="the comparison" />}
      {changes.data && (
        <table class="grid" data-testid="diff">
          <thead>
            <tr>
              <th>change</th>
              <th>before</th>
              <th>after</th>
              <th>kind</th>
              <th>processes</th>
              <th>leaf frames</th>
            </tr>
          </thead>
          <tbody>
            {changed.map((c) => (
              <tr class={`change-${c.change}`}>
                <td>{c.change}</td>
                <td>{c.from_count}</td>
                <td>{c.to_count}</td>
                <td>{c.kind}</td>
                <td>{c.processes.join(", ")}</td>
                <td title={c.frames.map((f) => f.method).join("\n")}>
                  {c.frames.slice(0, 2).map((f) => f.method).join(" ← ")}
                  {c.awaiting.length ? ` (awaiting ${c.awaiting.join(", ")})` : ""}
                </td>
              </tr>
            ))}
            {changed.length === 0 && (
              <tr>
                <td colSpan={6}>No stack group changed.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {trees.data && trees.data[1].value > 0 && (
        <>
          <h2>Differential flame graph of the newer snapshot</h2>
          <FlameChart root={withDelta(trees.data[1], trees.data[0])} search="" differential onFocus={() => {}} />
        </>
      )}
    </section>
  );
}

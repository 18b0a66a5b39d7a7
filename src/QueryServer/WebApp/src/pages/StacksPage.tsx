import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Spec, type StackGroup } from "../api";
import { ErrorBox, Loading } from "../components/ErrorBox";
import { FilterBox } from "../components/FilterBox";
import { StackGroupCard } from "../components/StackGroupCard";
import { VariablesPanel } from "../components/VariablesPanel";
import { filtersOf, href } from "../route";
import { useAsync } from "../useAsync";

/** Groups painted at first; more as the list's end scrolls into view (100k stacks make ~600 groups of ~10 frames). */
const firstGroups = 40;
const moreGroups = 80;

/**
 * Identical stacks grouped, largest group first, with what they await and their longest wait; frames expand
 * to their captured variables, with link icons where the spec's or the built-in links lead.
 */
export function StacksPage({ snapshot, params }: { snapshot: string; params: URLSearchParams }) {
  const filters = filtersOf(params);
  const groups = useAsync(() => api.stacks(snapshot, filters), [snapshot, params.toString()]);
  const manifest = useAsync(() => api.manifest(snapshot), [snapshot]);
  const spec = useAsync(() => api.spec(), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [shown, setShown] = useState(firstGroups);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => setShown(firstGroups), [snapshot, params.toString()]);

  const names = new Map((manifest.data?.processes ?? []).map((p) => [p.pid, p.name]));
  const list: StackGroup[] = groups.data ?? [];
  const total = list.reduce((n, g) => n + g.count, 0);
  const single = list.length === 1;
  const rest = list.length - shown;
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || rest <= 0) return;
    const watch = new IntersectionObserver((seen) => seen.some((e) => e.isIntersecting) && setShown((n) => n + moreGroups), {
      rootMargin: "600px",
    });
    watch.observe(sentinel);
    return () => watch.disconnect();
  }, [rest > 0, shown]);

  return (
    <section class={editing ? "with-panel" : ""}>
      <FilterBox snapshot={snapshot} page="stacks" params={params} />
      <div class="toolbar">
        {groups.data && (
          <span class="count" data-testid="stacks-total">
            {total} stack{total === 1 ? "" : "s"} in {list.length} group{list.length === 1 ? "" : "s"}
          </span>
        )}
        {rest > 0 && (
          // Here, not at the list's end: a button there moves down each time more groups are painted above it.
          <span class="count" data-testid="groups-shown">
            showing {shown} · <button onClick={() => setShown(list.length)}>show all</button>
          </span>
        )}
        <a href={href("flame", snapshot, params)}>Flame graph of these stacks</a>
      </div>
      <ErrorBox error={groups.error} />
      {groups.loading && !groups.data && <Loading what="stacks" />}
      {groups.data && list.length === 0 && <p class="hint">No stack matches these filters.</p>}
      {/* While new filters' answer is on its way the last one stays, dimmed and marked busy (for tests and screen readers). */}
      <div class="groups" data-testid="stack-groups" aria-busy={groups.loading ? "true" : "false"}>
        {list.slice(0, shown).map((g, i) => (
          <StackGroupCard
            key={`${snapshot}/${g.key}/${params.get("stack") ?? ""}`}
            snapshot={snapshot}
            group={g}
            processNames={names}
            spec={spec.data as Spec | undefined}
            expanded={single || i === 0 && !!params.get("stack")}
            onEditVariables={setEditing}
          />
        ))}
      </div>
      {rest > 0 && (
        <div class="more-groups" ref={end} data-testid="more-groups">
          {rest} more group{rest === 1 ? "" : "s"} below…
        </div>
      )}
      {editing && (
        <VariablesPanel
          snapshot={snapshot}
          fn={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            spec.reload();
            groups.reload();
          }}
        />
      )}
    </section>
  );
}

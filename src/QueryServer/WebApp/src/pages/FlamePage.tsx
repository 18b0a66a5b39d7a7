import { useState } from "preact/hooks";
import { api, type FlameNode } from "../api";
import { ErrorBox, Loading } from "../components/ErrorBox";
import { FlameChart } from "../components/FlameChart";
import { FilterBox } from "../components/FilterBox";
import { filtersOf, href, navigate } from "../route";
import { useAsync } from "../useAsync";

/**
 * Every stack of every process merged into one flame graph: "all", each process, then frames from the root.
 * Clicking a node focuses on the stacks through it (its process and frame prefix become filters, shared with
 * the stacks view); the search box highlights a function.
 */
export function FlamePage({ snapshot, params }: { snapshot: string; params: URLSearchParams }) {
  // The process and prefix filters are the focus: applied by zooming the tree already here (instant), not by a
  // new request; the other filters change which stacks the tree holds.
  const { process, prefix, ...filters } = filtersOf(params);
  const tree = useAsync(() => api.flamegraph(snapshot, filters), [snapshot, JSON.stringify(filters)]);
  const [search, setSearch] = useState("");
  const path = focusPath(tree.data, process, prefix);
  const focused = path ? valueAt(tree.data!, path) : tree.data?.value;

  const focus = (path: string[]) => {
    const next = new URLSearchParams(params);
    next.delete("stack");
    // path: "all", "<name> (pid N)", then methods root first.
    if (path.length <= 1) {
      next.delete("process");
      next.delete("prefix");
    } else {
      const process = /^(.*) \(pid (\d+)\)$/.exec(path[1]);
      if (process) next.set("process", process[1]);
      const methods = path.slice(2);
      if (methods.length) next.set("prefix", methods.join(";"));
      else next.delete("prefix");
    }
    navigate(href("flame", snapshot, next));
  };

  return (
    <section>
      <FilterBox snapshot={snapshot} page="flame" params={params} />
      <div class="toolbar">
        <input
          type="search"
          class="flame-search"
          aria-label="highlight a function"
          placeholder="highlight a function…"
          value={search}
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
        />
        <span class="legend">
          <span class="swatch async" /> async stacks <span class="swatch thread" /> thread stacks <span class="swatch mixed" /> both
        </span>
        {tree.data && (
          <span class="count" data-testid="flame-total">
            {focused ?? 0} stacks
          </span>
        )}
        <a href={href("stacks", snapshot, params)}>Show these stacks</a>
      </div>
      <ErrorBox error={tree.error} />
      {tree.loading && !tree.data && <Loading what="the flame graph" />}
      {tree.data && tree.data.value === 0 && <p class="hint">No stack matches these filters.</p>}
      {tree.data && (process || prefix) && !path && <p class="hint">No stack matches this focus in this snapshot.</p>}
      {tree.data && tree.data.value > 0 && <FlameChart root={tree.data} search={search} onFocus={focus} focus={path ?? undefined} />}
    </section>
  );
}

/** The tree path of the focus filters: "all", the process's node (by name or pid; one only), the prefix's methods. */
function focusPath(tree: FlameNode | undefined, process: string | undefined, prefix: string | undefined): string[] | null {
  if (!tree || (!process && !prefix)) return null;
  const processes = tree.children.filter((c) => {
    const m = /^(.*) \(pid (\d+)\)$/.exec(c.name);
    return !process || (m && (m[1].toLowerCase() === process.toLowerCase() || m[2] === process));
  });
  if (processes.length !== 1) return null;
  const path = ["all", processes[0].name, ...(prefix ? prefix.split(";").filter(Boolean) : [])];
  return valueAt(tree, path) === null ? null : path;
}

function valueAt(tree: FlameNode, path: string[]): number | null {
  let node: FlameNode | undefined = tree;
  for (const name of path.slice(1)) {
    node = node.children.find((c) => c.name === name);
    if (!node) return null;
  }
  return node.value;
}

import { useState } from "preact/hooks";
import { api } from "../api";
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
  const filters = filtersOf(params);
  const tree = useAsync(() => api.flamegraph(snapshot, filters), [snapshot, params.toString()]);
  const [search, setSearch] = useState("");

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
            {tree.data.value} stacks
          </span>
        )}
        <a href={href("stacks", snapshot, params)}>Show these stacks</a>
      </div>
      <ErrorBox error={tree.error} />
      {tree.loading && !tree.data && <Loading what="the flame graph" />}
      {tree.data && tree.data.value === 0 && <p class="hint">No stack matches these filters.</p>}
      {tree.data && tree.data.value > 0 && <FlameChart root={tree.data} search={search} onFocus={focus} />}
    </section>
  );
}

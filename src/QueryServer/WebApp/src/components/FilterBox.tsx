import { useEffect, useState } from "preact/hooks";
import { api, records } from "../api";
import { filterNames, href, navigate, type Page } from "../route";
import { useAsync } from "../useAsync";

/**
 * The filters box of the flame graph and stacks views: process, kind, a function anywhere on the stack (with
 * autocomplete from the snapshot's frames), a stack prefix (set by focusing a flame graph node) and one stack
 * (set by a "longest wait" link). They live in the URL, so they survive reloads and snapshot switches.
 */
export function FilterBox({ snapshot, page, params }: { snapshot: string; page: Page; params: URLSearchParams }) {
  const manifest = useAsync(() => api.manifest(snapshot), [snapshot]);
  const [contains, setContains] = useState(params.get("contains") ?? "");
  const [suggestions, setSuggestions] = useState<string[]>([]);
  useEffect(() => setContains(params.get("contains") ?? ""), [params.get("contains")]);

  useEffect(() => {
    if (contains.length < 2) {
      setSuggestions([]);
      return;
    }
    let current = true;
    const t = setTimeout(() => {
      api.functions(snapshot, contains).then(
        (r) => current && setSuggestions(records(r).map((x) => String(x.method))),
        () => current && setSuggestions([]),
      );
    }, 150);
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [contains, snapshot]);

  const set = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(href(page, snapshot, next));
  };
  const processes = manifest.data?.processes ?? [];
  const active = filterNames.filter((n) => params.get(n));

  return (
    <div class="filters" data-testid="filters">
      <label>
        process
        <select aria-label="process" value={params.get("process") ?? ""} onChange={(e) => set("process", (e.target as HTMLSelectElement).value)}>
          <option value="">all</option>
          {[...new Set(processes.map((p) => p.name))].map((n) => (
            <option value={n}>{n}</option>
          ))}
        </select>
      </label>
      <label>
        kind
        <select aria-label="kind" value={params.get("kind") ?? ""} onChange={(e) => set("kind", (e.target as HTMLSelectElement).value)}>
          <option value="">all</option>
          <option value="async">async</option>
          <option value="thread">thread</option>
        </select>
      </label>
      <form
        class="contains"
        onSubmit={(e) => {
          e.preventDefault();
          set("contains", contains.trim());
        }}
      >
        <label>
          function
          <input
            type="search"
            aria-label="function anywhere on the stack"
            placeholder="function anywhere on the stack"
            list="function-suggestions"
            value={contains}
            onInput={(e) => {
              const v = (e.target as HTMLInputElement).value;
              setContains(v);
              // Picking a suggestion from the list applies it at once.
              if (suggestions.includes(v)) set("contains", v);
            }}
          />
        </label>
        <datalist id="function-suggestions">
          {suggestions.map((s) => (
            <option value={s} />
          ))}
        </datalist>
      </form>
      {params.get("prefix") && (
        <span class="chip" data-testid="prefix-filter" title={params.get("prefix")!}>
          prefix: {params.get("prefix")!.split(";").slice(-1)[0]}
          <button class="link-button" aria-label="clear prefix" onClick={() => set("prefix", null)}>
            ✕
          </button>
        </span>
      )}
      {params.get("stack") && (
        <span class="chip" data-testid="stack-filter">
          stack {params.get("stack")}
          <button class="link-button" aria-label="clear stack" onClick={() => set("stack", null)}>
            ✕
          </button>
        </span>
      )}
      {active.length > 0 && (
        <button class="link-button" onClick={() => navigate(href(page, snapshot))}>
          clear all
        </button>
      )}
    </div>
  );
}

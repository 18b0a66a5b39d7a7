import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { ErrorBox, Loading } from "../components/ErrorBox";
import { ResultGrid } from "../components/ResultGrid";
import { href, navigate } from "../route";
import { useAsync } from "../useAsync";

/**
 * Full-text search over all captured data (values, raw values with addresses, extra columns) and method
 * names: paste an object address and see every table, row and column holding it, each with its stack.
 */
export function SearchPage({ snapshot, params }: { snapshot: string; params: URLSearchParams }) {
  const text = params.get("text") ?? "";
  const [input, setInput] = useState(text);
  useEffect(() => setInput(text), [text]);
  const result = useAsync(() => (text ? api.search(snapshot, text) : Promise.resolve(undefined)), [snapshot, text]);
  return (
    <section>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(href("search", snapshot, { text: input.trim() }));
        }}
      >
        <h1>Search</h1>
        <input type="search" class="wide" aria-label="search text" placeholder="a value, a name, an address (0x7f…)" value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} />
        <button class="primary" type="submit">
          Search
        </button>
        {result.data && (
          <span class="count" data-testid="search-count">
            {result.data.rows.length} match{result.data.rows.length === 1 ? "" : "es"}
          </span>
        )}
      </form>
      <ErrorBox error={result.error} />
      {result.loading && text && <Loading what="matches" />}
      {result.data && <ResultGrid result={result.data} snapshot={snapshot} testId="search-grid" busy={result.loading} />}
    </section>
  );
}

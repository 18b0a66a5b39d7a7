import { useState } from "preact/hooks";
import { api, type QueryResult } from "../api";
import { CodeEditor } from "../components/LazyCodeEditor";
import { ErrorBox } from "../components/ErrorBox";
import { ResultGrid } from "../components/ResultGrid";
import { href } from "../route";

const example = "SELECT kind, awaiting, count(*) AS n, max(wait_ms) AS longest_ms\nFROM stacks GROUP BY ALL ORDER BY n DESC";

/**
 * SQL over the snapshot (DuckDB, one read-only SELECT; `->` JSON paths allowed). Errors come back with the
 * server's message and the position of the mistake. The query is kept in the URL.
 */
export function SqlPage({ snapshot, params }: { snapshot: string; params: URLSearchParams }) {
  const [text, setText] = useState(params.get("q") ?? example);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);

  const run = async () => {
    setRunning(true);
    setError(null);
    // The query goes into the URL (bookmarks, reloads) without a navigation: the page stays as it is.
    history.replaceState(null, "", href("sql", snapshot, { q: text }));
    try {
      setResult(await api.sql(snapshot, text));
    } catch (e) {
      setResult(null);
      setError(e);
    } finally {
      setRunning(false);
    }
  };

  return (
    <section>
      <h1>SQL</h1>
      <CodeEditor value={text} language="sql" onChange={setText} onRun={run} label="SQL query" />
      <div class="toolbar">
        <button class="primary" data-testid="run-sql" onClick={run} disabled={running}>
          {running ? "Running…" : "Run (Ctrl+Enter)"}
        </button>
        {result && (
          <span class="count" data-testid="sql-summary">
            {result.rows.length} row{result.rows.length === 1 ? "" : "s"} in {result.elapsed_ms.toFixed(0)} ms
          </span>
        )}
      </div>
      <ErrorBox error={error} />
      {result && <ResultGrid result={result} snapshot={snapshot} testId="sql-grid" />}
    </section>
  );
}

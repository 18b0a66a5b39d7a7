import { api } from "../api";
import { ErrorBox, Loading } from "../components/ErrorBox";
import { href } from "../route";
import { useAsync } from "../useAsync";

const kindOrder = ["function", "derived", "search", "builtin", "snapshot"];
const kindLabel: Record<string, string> = {
  function: "function tables (the spec's captures)",
  derived: "derived tables",
  search: "all captured data",
  builtin: "built-in tables",
  snapshot: "the snapshot's own tables",
};

/** Every table a query can name, by kind, with row counts. */
export function TablesPage({ snapshot }: { snapshot: string }) {
  const tables = useAsync(() => api.tables(snapshot), [snapshot]);
  return (
    <section>
      <h1>Tables</h1>
      <ErrorBox error={tables.error} />
      {tables.loading && !tables.data && <Loading what="tables" />}
      {kindOrder.map((kind) => {
        const list = (tables.data ?? []).filter((t) => t.kind === kind);
        if (!list.length) return null;
        return (
          <div class="table-kind">
            <h2>{kindLabel[kind]}</h2>
            <ul class="table-list" data-testid={`tables-${kind}`}>
              {list.map((t) => (
                <li>
                  <a href={href("table", snapshot, undefined, t.name)} data-testid="table-link" data-table={t.name}>
                    {t.name}
                  </a>{" "}
                  <span class="count">{t.rows} rows</span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

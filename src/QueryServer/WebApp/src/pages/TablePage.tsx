import { useEffect, useState } from "preact/hooks";
import { api, type Json, type RowLinks, type Spec, type TableInfo } from "../api";
import { ErrorBox, Loading } from "../components/ErrorBox";
import { LinkPopup } from "../components/LinkPopup";
import { ResultGrid } from "../components/ResultGrid";
import { TableDefinitionEditor } from "../components/TableDefinitionEditor";
import { SearchIcon } from "../components/Icons";
import { href, navigate } from "../route";
import { useAsync } from "../useAsync";

const pageSize = 50;

/** Tables a link of the spec (or a built-in link) names, i.e. whose rows may carry link icons. */
function linkedTables(spec: Spec | undefined): Set<string> {
  const all = [...(spec?.links ?? []), ...(spec?.built_ins.enabled ? spec.built_ins.links : [])];
  return new Set(all.flatMap((l) => [l.from.table, l.to.table]));
}

/**
 * One table, a page at a time: sorting by a header click, show/hide columns (`raw_` and hidden extra columns
 * hidden by default), a link icon on rows a link leads from, each row's stack, and "Edit table definition"
 * for extra columns and derived tables. On `all_captured_data`, the magnifier searches all captured data.
 */
export function TablePage({ snapshot, table, params }: { snapshot: string; table: string; params: URLSearchParams }) {
  const offset = Number(params.get("offset") ?? 0);
  const orderBy = params.get("order_by") ?? "";
  const desc = params.get("desc") === "true";
  const tables = useAsync(() => api.tables(snapshot), [snapshot]);
  const spec = useAsync(() => api.spec(), []);
  const rows = useAsync(
    () => api.table(snapshot, table, { limit: pageSize, offset, order_by: orderBy || undefined, desc: desc || undefined, hidden: true }),
    [snapshot, table, offset, orderBy, desc, spec.data?.version],
  );
  const info: TableInfo | undefined = tables.data?.find((t) => t.name.toLowerCase() === table.toLowerCase());
  const [shown, setShown] = useState<Set<string> | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [editing, setEditing] = useState(false);
  const [searching, setSearching] = useState(false);
  const [searchText, setSearchText] = useState("");
  const [links, setLinks] = useState<Map<number, RowLinks>>(new Map());

  useEffect(() => setShown(info ? new Set(info.columns.filter((c) => c.visible).map((c) => c.name)) : null), [info?.name, tables.data]);

  // Link icons: resolve the links of each row on this page (by its stack) and show an icon where one leads somewhere.
  const linked = linkedTables(spec.data).has(info?.name ?? table);
  useEffect(() => {
    setLinks(new Map());
    if (!linked || !rows.data || !rows.data.columns.includes("stack_id")) return;
    let current = true;
    const at = rows.data.columns.indexOf("stack_id");
    const ids = [...new Set(rows.data.rows.map((r) => Number(r[at])))];
    if (ids.length === 0) return;
    // The whole page in one request (one query per link on the server): one request per row kept a busy server's
    // icons missing for seconds.
    api.linksOfStacks(snapshot, info?.name ?? table, ids).then(
      (batch) => {
        if (current) setLinks(new Map(batch.stacks.filter((l) => l.links.some((x) => x.rows.rows.length > 0)).map((l) => [l.stack_id, l])));
      },
      () => undefined, // links that cannot be resolved show no icons; the table itself is still right
    );
    return () => {
      current = false;
    };
  }, [rows.data, linked]);

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) v === null ? next.delete(k) : next.set(k, v);
    navigate(href("table", snapshot, next, table));
  };
  const hide = new Set((info?.columns ?? []).map((c) => c.name).filter((c) => shown && !shown.has(c)));
  const isSearch = info?.kind === "search";
  const editable = info && (info.kind === "function" || info.kind === "derived");

  return (
    <section class={editing ? "with-panel" : ""}>
      <div class="toolbar">
        <h1 data-testid="table-name">{info?.name ?? table}</h1>
        {info && (
          <span class="count" data-testid="table-rows">
            {info.rows} rows
          </span>
        )}
        <button data-testid="show-hide-columns" onClick={() => setChoosing(!choosing)}>
          Show/hide columns
        </button>
        {editable && (
          <button data-testid="edit-table" onClick={() => setEditing(true)}>
            Edit table definition
          </button>
        )}
        {isSearch && (
          <button data-testid="search-icon" aria-label="search all captured data" title="Search all captured data" onClick={() => setSearching(!searching)}>
            <SearchIcon />
          </button>
        )}
      </div>
      {searching && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (searchText.trim()) navigate(href("search", snapshot, { text: searchText.trim() }));
          }}
        >
          <input autoFocus placeholder="text or address to find" aria-label="search text" value={searchText} onInput={(e) => setSearchText((e.target as HTMLInputElement).value)} />
          <button type="submit">Search</button>
        </form>
      )}
      {choosing && info && (
        <div class="column-chooser" data-testid="column-chooser">
          {info.columns.map((c) => (
            <label>
              <input
                type="checkbox"
                data-column={c.name}
                checked={!!shown?.has(c.name)}
                onChange={(e) => {
                  const next = new Set(shown ?? []);
                  (e.target as HTMLInputElement).checked ? next.add(c.name) : next.delete(c.name);
                  setShown(next);
                }}
              />
              {c.name} <span class="var-type">{c.spec_type ?? c.type}</span>
            </label>
          ))}
        </div>
      )}
      <ErrorBox error={tables.error ?? rows.error} />
      {rows.loading && !rows.data && <Loading what="rows" />}
      {rows.data && (
        <ResultGrid
          result={rows.data}
          snapshot={snapshot}
          hide={hide}
          testId="table-grid"
          busy={rows.loading}
          order={{ column: orderBy || rows.data.columns[0], desc }}
          onSort={(c) => go({ order_by: c, desc: c === orderBy && !desc ? "true" : null, offset: null })}
          rowExtra={linked ? (r: Record<string, Json>) => {
            const l = links.get(Number(r.stack_id));
            return l ? <LinkPopup snapshot={snapshot} rowLinks={l} label="" /> : null;
          } : undefined}
        />
      )}
      {info && (
        <div class="pager">
          <button disabled={offset === 0} onClick={() => go({ offset: String(Math.max(0, offset - pageSize)) })}>
            ‹ previous
          </button>
          <span>
            rows {info.rows === 0 ? 0 : offset + 1}–{Math.min(offset + pageSize, info.rows)} of {info.rows}
          </span>
          <button disabled={offset + pageSize >= info.rows} onClick={() => go({ offset: String(offset + pageSize) })}>
            next ›
          </button>
        </div>
      )}
      {editing && info && spec.data && (
        <TableDefinitionEditor
          spec={spec.data}
          table={info}
          onClose={() => setEditing(false)}
          onSaved={() => {
            spec.reload();
            tables.reload();
          }}
        />
      )}
    </section>
  );
}

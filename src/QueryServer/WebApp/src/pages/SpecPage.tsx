import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Spec } from "../api";
import { CodeEditor } from "../components/LazyCodeEditor";
import { ErrorBox, Loading } from "../components/ErrorBox";
import { checkThenSave } from "../components/TableDefinitionEditor";
import { addLink, parseDiagnostic, type Diagnostic } from "../specEdit";
import { useAsync } from "../useAsync";

/**
 * The spec in force: its YAML with live validation (the compiler's file:line:column diagnostics, checked by the
 * server as you type), saving (a new version; every snapshot's tables are rebuilt) and a form to add a link
 * between two tables' columns.
 */
export function SpecPage(_: { params: URLSearchParams }) {
  const spec = useAsync(() => api.spec(), []);
  const [text, setText] = useState<string | null>(null);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    if (spec.data) setText(spec.data.yaml);
  }, [spec.data]);

  // Live validation, a moment after the last keystroke; a newer text makes an older answer moot.
  useEffect(() => {
    if (text === null || !spec.data || text === spec.data.yaml) {
      setDiagnostics((spec.data?.warnings ?? []).map(parseDiagnostic));
      return;
    }
    let current = true;
    setChecking(true);
    const t = setTimeout(() => {
      api.checkSpec(text).then(
        (r) => current && (setDiagnostics(r.diagnostics.map(parseDiagnostic)), setChecking(false)),
        (e) => current && (setDiagnostics(e instanceof ApiError && e.diagnostics.length ? e.diagnostics.map(parseDiagnostic) : []), setChecking(false)),
      );
    }, 400);
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [text, spec.data]);

  const save = async (yaml: string, what: string) => {
    setError(null);
    setSaved(null);
    try {
      const stored: Spec = await checkThenSave(yaml);
      setSaved(`${what} (version ${stored.version})`);
      spec.reload();
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setDiagnostics(e.diagnostics.map(parseDiagnostic));
    }
  };

  if (!spec.data) return spec.error ? <ErrorBox error={spec.error} /> : <Loading what="the spec" />;
  const errors = diagnostics.filter((d) => d.severity === "error");
  return (
    <section class="spec-page">
      <div class="toolbar">
        <h1>Spec</h1>
        <span class="count">
          {spec.data.path ?? "in memory"} · version {spec.data.version}
        </span>
        <button class="primary" data-testid="save-spec" disabled={text === null || text === spec.data.yaml} onClick={() => save(text!, "the spec")}>
          Save
        </button>
        <span data-testid="spec-status" class={errors.length ? "bad" : "good"}>
          {checking ? "checking…" : errors.length ? `${errors.length} error${errors.length === 1 ? "" : "s"}` : text !== spec.data.yaml ? "valid" : ""}
        </span>
      </div>
      <CodeEditor value={text ?? ""} language="yaml" onChange={setText} diagnostics={diagnostics} label="spec YAML" />
      {diagnostics.length > 0 && (
        <ul class="diagnostics" data-testid="diagnostics">
          {diagnostics.map((d) => (
            <li class={d.severity}>
              {d.line !== null ? `line ${d.line}, column ${d.column}: ` : ""}
              {d.severity}: {d.message}
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={error} />
      {saved && (
        <div class="ok" role="status" data-testid="saved">
          Saved {saved}.
        </div>
      )}
      <LinkForm spec={spec.data} onAdd={(link) => save(addLink(spec.data!.yaml, link), "the link")} />
      <h2>Links</h2>
      <ul class="var-list" data-testid="links">
        {spec.data.links.map((l) => (
          <li>
            {l.note && <b>{l.note}: </b>}
            <code>{l.from.table}</code>({l.from.columns.join(", ")}) ↔ <code>{l.to.table}</code>({l.to.columns.join(", ")})
          </li>
        ))}
        {spec.data.built_ins.enabled &&
          spec.data.built_ins.links.map((l) => (
            <li class="builtin">
              built-in{l.note ? `, ${l.note}` : ""}: <code>{l.from.table}</code>({l.from.columns.join(", ")}) ↔ <code>{l.to.table}</code>({l.to.columns.join(", ")})
            </li>
          ))}
      </ul>
    </section>
  );
}

function LinkForm({ spec, onAdd }: { spec: Spec; onAdd: (link: { note: string; from: { table: string; columns: string[] }; to: { table: string; columns: string[] } }) => void }) {
  const tables = [...spec.tables, ...(spec.built_ins.enabled ? spec.built_ins.tables : [])];
  const [from, setFrom] = useState(tables[0]?.name ?? "");
  const [to, setTo] = useState(tables[1]?.name ?? tables[0]?.name ?? "");
  const [fromColumns, setFromColumns] = useState("");
  const [toColumns, setToColumns] = useState("");
  const [note, setNote] = useState("");
  const columnsOf = (name: string) => tables.find((t) => t.name === name)?.columns?.map((c) => c.name) ?? [];
  const split = (s: string) => s.split(",").map((c) => c.trim()).filter(Boolean);
  return (
    <form
      class="link-form"
      data-testid="link-form"
      onSubmit={(e) => {
        e.preventDefault();
        onAdd({ note: note.trim(), from: { table: from, columns: split(fromColumns) }, to: { table: to, columns: split(toColumns) } });
      }}
    >
      <h2>Add a link</h2>
      <p class="hint">A row of one table links to the rows of another whose columns hold the same values (compared pairwise).</p>
      <LinkEnd side="from" tables={tables.map((t) => t.name)} table={from} onTable={setFrom} columns={fromColumns} onColumns={setFromColumns} known={columnsOf(from)} />
      <LinkEnd side="to" tables={tables.map((t) => t.name)} table={to} onTable={setTo} columns={toColumns} onColumns={setToColumns} known={columnsOf(to)} />
      <label>
        note <input aria-label="link note" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} placeholder="handler blocked by background processing" />
      </label>
      <button class="primary" type="submit" data-testid="add-link" disabled={!split(fromColumns).length || !split(toColumns).length}>
        Add link
      </button>
    </form>
  );
}

/** One end of a link: the table, and its key columns (comma-separated, suggested from the table's columns). */
function LinkEnd(props: {
  side: "from" | "to";
  tables: string[];
  table: string;
  onTable: (t: string) => void;
  columns: string;
  onColumns: (c: string) => void;
  known: string[];
}) {
  const { side } = props;
  return (
    <>
      <label>
        {side} table
        <select aria-label={`link ${side} table`} value={props.table} onChange={(e) => props.onTable((e.target as HTMLSelectElement).value)}>
          {props.tables.map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        columns
        <input aria-label={`link ${side} columns`} list={`${side}-columns`} value={props.columns} onInput={(e) => props.onColumns((e.target as HTMLInputElement).value)} placeholder="cs_addr" />
        <datalist id={`${side}-columns`}>{props.known.map((c) => <option value={c} />)}</datalist>
      </label>
    </>
  );
}

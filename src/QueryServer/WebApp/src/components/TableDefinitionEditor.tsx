import { useState } from "preact/hooks";
import { api, ApiError, type Spec, type TableInfo } from "../api";
import { addDerivedTable, addExtraColumn, extraColumnsOf } from "../specEdit";
import { ErrorBox } from "./ErrorBox";

export const columnTypes = ["", "TimestampNanos", "TimestampTicks", "DurationNanos", "DurationTicks", "BIGINT", "DOUBLE", "VARCHAR", "BOOLEAN", "JSON", "TIMESTAMP"];

/** Checks the new spec first (nothing is stored), then stores it: the compiler's diagnostics show before any change. */
export async function checkThenSave(yaml: string): Promise<Spec> {
  const check = await api.checkSpec(yaml).catch((e) => {
    // A server without the check endpoint: PUT checks too and changes nothing when it rejects.
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  });
  if (check && !check.valid) throw new ApiError(400, "Invalid spec", check.diagnostics[0] ?? "The spec has errors.", check.diagnostics);
  return api.putSpec(yaml);
}

/**
 * "Edit table definition": extra columns of a function table (a SQL expression over its columns, with a type
 * such as TimestampNanos) and derived tables, validated by the server before they are saved to the spec.
 */
export function TableDefinitionEditor({ spec, table, onClose, onSaved }: { spec: Spec; table: TableInfo; onClose: () => void; onSaved: () => void }) {
  const specTable = spec.tables.find((t) => t.name === table.name);
  const fn = specTable?.function ?? null;
  const [name, setName] = useState("");
  const [sql, setSql] = useState("");
  const [type, setType] = useState("");
  const [visible, setVisible] = useState(true);
  const [derivedName, setDerivedName] = useState("");
  const [derivedSql, setDerivedSql] = useState(`SELECT * FROM ${table.name}`);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const extras = table.kind === "function" ? extraColumnsOf(spec.yaml, { name: table.name, function: fn }) : [];

  const run = async (edit: () => string, what: string) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      await checkThenSave(edit());
      setSaved(what);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside class="side-panel" data-testid="table-editor" aria-label={`Definition of ${table.name}`}>
      <header>
        <h2>Table definition</h2>
        <button class="link-button" onClick={onClose} aria-label="close">
          ✕
        </button>
      </header>
      <p>
        <code>{table.name}</code> {fn && <>(function <code>{fn}</code>)</>}
      </p>
      {table.kind === "function" && (
        <>
          <h3>Extra columns</h3>
          <ul class="var-list">
            {extras.map((c) => (
              <li>
                <code>{c.name}</code> = <code>{c.sql}</code> {c.type && <span class="var-type">{c.type}</span>} {c.visible === false && <span class="var-kind">hidden</span>}
              </li>
            ))}
          </ul>
          <form
            class="stacked-form"
            onSubmit={(e) => {
              e.preventDefault();
              run(() => addExtraColumn(spec.yaml, { name: table.name, function: fn }, { name: name.trim(), sql: sql.trim(), type: type || undefined, visible }), `column ${name.trim()}`);
            }}
          >
            <label>
              name <input aria-label="column name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} placeholder="last_background_service_time" />
            </label>
            <label>
              SQL <input aria-label="column SQL" value={sql} onInput={(e) => setSql((e.target as HTMLInputElement).value)} placeholder="cs->'Mu.LastBackgroundServiceStart'" />
            </label>
            <label>
              type
              <select aria-label="column type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
                {columnTypes.map((t) => (
                  <option value={t}>{t || "(the expression's own)"}</option>
                ))}
              </select>
            </label>
            <label>
              <input type="checkbox" aria-label="visible" checked={visible} onChange={(e) => setVisible((e.target as HTMLInputElement).checked)} /> visible by default
            </label>
            <button class="primary" type="submit" data-testid="save-column" disabled={busy || !name.trim() || !sql.trim()}>
              Add column
            </button>
          </form>
        </>
      )}
      <h3>New derived table</h3>
      <form
        class="stacked-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => addDerivedTable(spec.yaml, derivedName.trim(), derivedSql.trim()), `table ${derivedName.trim()}`);
        }}
      >
        <label>
          name <input aria-label="derived table name" value={derivedName} onInput={(e) => setDerivedName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          SQL <textarea aria-label="derived table SQL" rows={3} value={derivedSql} onInput={(e) => setDerivedSql((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" disabled={busy || !derivedName.trim()}>
          Add derived table
        </button>
      </form>
      <ErrorBox error={error} />
      {saved && (
        <div class="ok" role="status" data-testid="saved">
          Saved {saved}: every snapshot's tables were rebuilt.
        </div>
      )}
    </aside>
  );
}

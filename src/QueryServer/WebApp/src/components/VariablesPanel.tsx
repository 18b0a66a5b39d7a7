import { useEffect, useState } from "preact/hooks";
import { api, type MethodVariable } from "../api";
import { capturesOf, setCaptures, type CaptureItem } from "../specEdit";
import { useAsync } from "../useAsync";
import { ErrorBox, Loading } from "./ErrorBox";

/**
 * "Add/remove variables" on a frame: the function's variables as the capture recorded them (arguments, locals,
 * hoisted async locals, with types) as checkboxes, plus free field-path expressions. Saving replaces the spec
 * (PUT /api/spec); a rejected spec shows the compiler's diagnostics and changes nothing. Variables are captured
 * from the next snapshot on.
 */
export function VariablesPanel({ snapshot, fn, onClose, onSaved }: { snapshot: string; fn: string; onClose: () => void; onSaved: () => void }) {
  const spec = useAsync(() => api.spec(), [fn]);
  const vars = useAsync(() => api.variables(snapshot, fn), [snapshot, fn]);
  const [items, setItems] = useState<CaptureItem[] | null>(null);
  const [expr, setExpr] = useState("");
  const [column, setColumn] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (spec.data) setItems(capturesOf(spec.data.yaml, fn));
  }, [spec.data]);

  // One entry per variable name (the same method in two processes lists it twice).
  const variables: MethodVariable[] = [];
  for (const v of vars.data?.variables ?? []) if (!variables.some((x) => x.name === v.name)) variables.push(v);
  const current = items ?? [];
  const has = (name: string) => current.some((i) => i.expr === name && !i.column);
  const toggle = (name: string, on: boolean) =>
    setItems(on ? [...current, { expr: name }] : current.filter((i) => !(i.expr === name && !i.column)));
  const paths = current.filter((i) => i.column || !variables.some((v) => v.name === i.expr));

  const save = async () => {
    if (!spec.data) return;
    setSaving(true);
    setError(null);
    try {
      await api.putSpec(setCaptures(spec.data.yaml, fn, current));
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <aside class="side-panel" data-testid="variables-panel" aria-label={`Variables of ${fn}`}>
      <header>
        <h2>Capture variables</h2>
        <button class="link-button" onClick={onClose} aria-label="close">
          ✕
        </button>
      </header>
      <p class="panel-function">
        <code>{fn}</code>
      </p>
      {(spec.loading || vars.loading) && <Loading what="variables" />}
      <ErrorBox error={spec.error} />
      {vars.error ? <p class="hint">The variables of this function are not known ({String((vars.error as Error).message)}); add them by name below.</p> : null}
      {items && (
        <>
          <h3>Variables at this frame</h3>
          {variables.length === 0 && !vars.loading && <p class="hint">No arguments or locals were recorded for this function (no PDB?).</p>}
          <ul class="var-list">
            {variables.map((v) => (
              <li>
                <label>
                  <input
                    type="checkbox"
                    data-testid="var-checkbox"
                    data-name={v.name}
                    disabled={!v.capturable && !has(v.name)}
                    checked={has(v.name)}
                    onChange={(e) => toggle(v.name, (e.target as HTMLInputElement).checked)}
                  />
                  <span class="var-name">{v.name}</span> <span class="var-type">{v.type}</span>{" "}
                  <span class="var-kind" title={v.signature}>
                    {v.kind}
                    {v.storage === "not-hoisted" ? ", not hoisted: a suspended call does not have it" : v.storage === "state-machine" ? ", hoisted" : ""}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <h3>Field paths</h3>
          <ul class="var-list">
            {paths.map((p) => (
              <li>
                <code>{p.expr}</code>
                {p.column ? ` as ${p.column}` : ""}{" "}
                <button class="link-button" onClick={() => setItems(current.filter((i) => i !== p))} aria-label={`remove ${p.expr}`}>
                  remove
                </button>
              </li>
            ))}
          </ul>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (!expr.trim()) return;
              setItems([...current, { expr: expr.trim(), column: column.trim() || undefined }]);
              setExpr("");
              setColumn("");
            }}
          >
            <input placeholder="cs.Mu.Processing" aria-label="field path" value={expr} onInput={(e) => setExpr((e.target as HTMLInputElement).value)} />
            <input placeholder="column (optional)" aria-label="column name" value={column} onInput={(e) => setColumn((e.target as HTMLInputElement).value)} />
            <button type="submit">Add</button>
          </form>
          <ErrorBox error={error} />
          {saved && !error && <div class="ok" role="status">Saved: the next snapshot captures these.</div>}
          <div class="modal-buttons">
            <button onClick={onClose}>Close</button>
            <button class="primary" data-testid="save-variables" onClick={save} disabled={saving}>
              {saving ? "Saving…" : "Save to spec"}
            </button>
          </div>
        </>
      )}
    </aside>
  );
}

import { useState } from "preact/hooks";
import { api, records, type Frame, type Json, type RowLinks, type Spec, type StackGroup } from "../api";
import { location, ms, shortMethod } from "../format";
import { href } from "../route";
import { useAsync } from "../useAsync";
import { ErrorBox } from "./ErrorBox";
import { JsonTree } from "./JsonTree";
import { LinkPopup } from "./LinkPopup";
import { TableIcon } from "./Icons";

interface Variable {
  function: string;
  column: string;
  value: Json;
  raw_value: Json;
  type: string | null;
  unavailable: string | null;
}

export interface StackGroupCardProps {
  snapshot: string;
  group: StackGroup;
  processNames: Map<number, string>;
  spec?: Spec;
  expanded: boolean;
  onEditVariables: (fn: string) => void;
}

/** Tables a link names that hold rows per stack but are not function tables: shown on the stack's header. */
function isFunctionTable(spec: Spec | undefined, table: string) {
  return !!spec?.tables.some((t) => t.kind === "function" && t.name === table);
}

/** One group of identical stacks: its header, its frames, and, opened, one of its stacks' variables and links. */
export function StackGroupCard({ snapshot, group, processNames, spec, expanded, onEditVariables }: StackGroupCardProps) {
  const [open, setOpen] = useState(expanded);
  const [index, setIndex] = useState(0);
  const stackId = group.stack_ids[Math.min(index, group.stack_ids.length - 1)];
  const detail = useAsync(() => (open ? api.stack(snapshot, stackId) : Promise.resolve(undefined)), [open, snapshot, stackId]);

  const processes = group.pids.map((p) => `${processNames.get(p) ?? "pid"} (${p})`).join(", ");
  const frameRows = detail.data ? records(detail.data.frames) : [];
  const variablesAt = (depth: number): Variable[] =>
    ((frameRows.find((f) => f.depth === depth)?.variables as unknown as Variable[]) ?? []).filter(Boolean);
  const rowLinks = detail.data?.row_links ?? [];
  const headerLinks = rowLinks.filter((r) => !isFunctionTable(spec, r.table) && r.links.some((l) => l.rows.rows.length > 0));
  const stackLinks = detail.data ? records(detail.data.stack_links) : [];
  const stackRow = detail.data ? records(detail.data.stack)[0] : undefined;

  return (
    <article class="group" data-testid="stack-group" data-key={group.key} data-count={group.count} data-kind={group.kind}>
      <header class="group-header">
        <button class="json-toggle" aria-expanded={open} aria-label={open ? "collapse" : "expand"} onClick={() => setOpen(!open)}>
          {open ? "▾" : "▸"}
        </button>
        <span class="group-count" data-testid="group-count">
          {group.count}×
        </span>
        <span class={`badge ${group.kind}`}>{group.kind}</span>
        <span class="group-process">{processes}</span>
        {group.thread_names.length > 0 && <span class="group-threads">threads: {group.thread_names.slice(0, 4).join(", ")}</span>}
        {group.awaiting.length > 0 && <span class="group-awaiting">awaiting {group.awaiting.join(", ")}</span>}
        {group.longest_wait_ms !== null && group.longest_wait_stack_id !== null && (
          <a class="longest-wait" data-testid="longest-wait" href={href("stacks", snapshot, { stack: String(group.longest_wait_stack_id) })}>
            longest wait {ms(group.longest_wait_ms)}
          </a>
        )}
      </header>
      {open && group.count > 1 && (
        <div class="stack-picker">
          stack {stackId} ({index + 1} of {group.count})
          <button disabled={index === 0} onClick={() => setIndex(index - 1)} aria-label="previous stack">
            ‹
          </button>
          <button disabled={index >= group.count - 1} onClick={() => setIndex(index + 1)} aria-label="next stack">
            ›
          </button>
          <a href={href("stacks", snapshot, { stack: String(stackId) })}>only this stack</a>
        </div>
      )}
      {open && stackRow && (
        <div class="stack-facts" data-testid="stack-facts">
          stack <b data-testid="stack-id">{String(stackRow.stack_id)}</b>
          {stackRow.thread_name ? ` · thread '${stackRow.thread_name}'` : ""}
          {stackRow.managed_thread_id !== null && stackRow.managed_thread_id !== undefined ? ` · managed id ${stackRow.managed_thread_id}` : ""}
          {stackRow.state ? ` · ${stackRow.state}` : ""}
          {stackRow.wait_ms !== null && stackRow.wait_ms !== undefined ? ` · waiting ${ms(Number(stackRow.wait_ms))} (${stackRow.wait_source})` : ""}
          {headerLinks.map((r) => (
            <LinkPopup snapshot={snapshot} rowLinks={r} label={r.table} />
          ))}
          {stackLinks.map((l) => {
            const other = l.from_stack_id === stackRow.stack_id ? l.to_stack_id : l.from_stack_id;
            return (
              <a class="stack-link" data-testid="stack-link" href={href("stacks", snapshot, { stack: String(other) })} title={String(l.detail ?? "")}>
                {String(l.kind)} → stack {String(other)}
              </a>
            );
          })}
        </div>
      )}
      {open && <ErrorBox error={detail.error} />}
      <ol class="frames">
        {group.frames.map((f) => (
          <FrameLine
            snapshot={snapshot}
            frame={f}
            spec={spec}
            open={open}
            variables={open ? variablesAt(f.depth) : []}
            links={rowLinks.filter((r) => isFunctionTable(spec, r.table) && spec!.tables.some((t) => t.name === r.table && t.function === f.method))}
            onEditVariables={onEditVariables}
          />
        ))}
      </ol>
    </article>
  );
}

function FrameLine({
  snapshot,
  frame,
  spec,
  open,
  variables,
  links,
  onEditVariables,
}: {
  snapshot: string;
  frame: Frame;
  spec?: Spec;
  open: boolean;
  variables: Variable[];
  links: RowLinks[];
  onEditVariables: (fn: string) => void;
}) {
  const [showVars, setShowVars] = useState(true);
  const [raw, setRaw] = useState(false);
  const [showSource, setShowSource] = useState(false);
  const table = spec?.tables.find((t) => t.kind === "function" && t.function === frame.method);
  const hasSource = !!frame.file;
  return (
    <li class={`frame frame-${frame.kind}`} data-testid="frame" data-method={frame.method}>
      <div class="frame-line">
        <span class="frame-method" title={frame.method} onClick={() => setShowVars(!showVars)}>
          {frame.kind === "continuation" ? <i>{frame.method}</i> : frame.method}
        </span>
        {frame.file && frame.line ? (
          <button
            class="frame-source link-button"
            data-testid="frame-source"
            aria-expanded={showSource}
            title={`${frame.file}:${frame.line}: show the source`}
            onClick={() => setShowSource(!showSource)}
          >
            {location(frame.file, frame.line)}
          </button>
        ) : (
          frame.file && <span class="frame-source" title={frame.file}>{location(frame.file, frame.line)}</span>
        )}
        {!frame.file && frame.module && <span class="frame-module">{frame.module}</span>}
        {frame.kind === "async" && frame.await_state !== null && <span class="frame-state">await #{frame.await_state}</span>}
        <span class="frame-actions">
          {hasSource && (
            <button class="link-button" data-testid="add-variables" onClick={() => onEditVariables(frame.method)} title={`Capture variables of ${shortMethod(frame.method)}`}>
              add/remove variables
            </button>
          )}
          {table && (
            <a class="table-icon" data-testid="frame-table" href={href("table", snapshot, undefined, table.name)} title={`Open table ${table.name}`}>
              <TableIcon /> {table.name}
            </a>
          )}
        </span>
        {open && links.map((r) => r.links.some((l) => l.rows.rows.length > 0) && <LinkPopup snapshot={snapshot} rowLinks={r} label="" />)}
      </div>
      {showSource && frame.file && frame.line && <SourcePanel snapshot={snapshot} file={frame.file} line={frame.line} />}
      {open && showVars && variables.length > 0 && (
        <div class="variables" data-testid="variables">
          <label class="raw-toggle">
            <input type="checkbox" checked={raw} onChange={(e) => setRaw((e.target as HTMLInputElement).checked)} /> raw
          </label>
          {variables.map((v) => (
            <div class="variable" data-testid="variable" data-name={v.column}>
              {v.unavailable ? (
                <div class="json-line">
                  <span class="json-key">{v.column}: </span>
                  <span class="unavailable">unavailable: {v.unavailable}</span>
                </div>
              ) : (
                <JsonTree name={v.column} value={raw ? v.raw_value : v.value} open={2} />
              )}
            </div>
          ))}
        </div>
      )}
    </li>
  );
}

/** The frame's lines from the server (only under its --source-root folders), its own line marked. */
function SourcePanel({ snapshot, file, line }: { snapshot: string; file: string; line: number }) {
  const source = useAsync(() => api.source(snapshot, file, line), [snapshot, file, line]);
  return (
    <div class="source" data-testid="source">
      <ErrorBox error={source.error} />
      {source.data && (
        <>
          <div class="source-file">
            {file}
            {source.data.changed_since_capture && (
              <span class="warning" data-testid="source-changed"> · changed since the snapshot: lines may have moved</span>
            )}
          </div>
          <pre class="source-lines">
            {source.data.lines.map((text, i) => {
              const n = source.data!.first_line + i;
              return (
                <div class={n === line ? "source-line current" : "source-line"} data-line={n}>
                  <span class="source-number">{n}</span>
                  {text}
                </div>
              );
            })}
          </pre>
        </>
      )}
    </div>
  );
}

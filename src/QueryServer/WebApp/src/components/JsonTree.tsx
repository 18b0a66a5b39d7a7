import { useState } from "preact/hooks";
import type { Json } from "../api";

/**
 * A captured value as a tree: objects and arrays fold open, scalars are shown as JSON. Redaction markers
 * (`{"__redacted": ...}`) are shown as such, not as objects to open.
 */
export function JsonTree({ value, name, open = 1 }: { value: Json; name?: string; open?: number }) {
  const [expanded, setExpanded] = useState(open > 0);
  const label = name !== undefined ? <span class="json-key">{name}: </span> : null;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "__redacted" in value && Object.keys(value).length === 1)
    return (
      <div class="json-line">
        {label}
        <span class="json-redacted">[redacted: {String(value.__redacted)}]</span>
      </div>
    );
  if (value === null || typeof value !== "object")
    return (
      <div class="json-line">
        {label}
        <span class={`json-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  const entries: [string, Json][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${value.length}]` : `{${entries.length}}`;
  return (
    <div class="json-node">
      <div class="json-line">
        <button class="json-toggle" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? "▾" : "▸"}
        </button>
        {label}
        <span class="json-summary">{summary}</span>
      </div>
      {expanded && (
        <div class="json-children">
          {entries.map(([k, v]) => (
            <JsonTree value={v} name={k} open={open - 1} />
          ))}
        </div>
      )}
    </div>
  );
}

import type { ComponentChildren } from "preact";
import type { Json, QueryResult } from "../api";
import { cell } from "../format";
import { href } from "../route";

export interface ResultGridProps {
  result: QueryResult;
  snapshot?: string;
  /** Columns to leave out (hidden by the user). */
  hide?: Set<string>;
  /** Sorting by a header click. */
  order?: { column: string; desc: boolean };
  onSort?: (column: string) => void;
  /** Something to show at the start of each row (e.g. its link icon). */
  rowExtra?: (row: Record<string, Json>, index: number) => ComponentChildren;
  testId?: string;
  /** The rows are the last answer while the next one (new order, page or filters) is on its way: dimmed, aria-busy. */
  busy?: boolean;
}

/** A query result as a table; `stack_id` cells link to that stack when the grid belongs to a snapshot. */
export function ResultGrid({ result, snapshot, hide, order, onSort, rowExtra, testId, busy }: ResultGridProps) {
  const shown = result.columns.map((c, i) => ({ c, i, type: result.types[i] })).filter((x) => !hide?.has(x.c));
  return (
    <div class="grid-scroll">
      <table class="grid" data-testid={testId ?? "result-grid"} aria-busy={busy ? "true" : "false"}>
        <thead>
          <tr>
            {rowExtra && <th></th>}
            {shown.map(({ c, type }) => (
              <th title={type} class={onSort ? "sortable" : ""} onClick={() => onSort?.(c)} data-column={c}>
                {c}
                {order?.column === c ? (order.desc ? " ▾" : " ▴") : ""}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row, r) => {
            const record = Object.fromEntries(result.columns.map((c, i) => [c, row[i]]));
            return (
              <tr>
                {rowExtra && <td class="row-extra">{rowExtra(record, r)}</td>}
                {shown.map(({ c, i }) => (
                  <td data-column={c} class={typeof row[i] === "object" && row[i] !== null ? "json-cell" : ""}>
                    {snapshot && (c === "stack_id" || c === "from_stack_id" || c === "to_stack_id") && row[i] !== null ? (
                      <a href={href("stacks", snapshot, { stack: String(row[i]) })} data-testid="row-stack-link">
                        {String(row[i])}
                      </a>
                    ) : (
                      cell(row[i])
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {result.truncated && <p class="hint">The result was cut at the server's row cap.</p>}
    </div>
  );
}

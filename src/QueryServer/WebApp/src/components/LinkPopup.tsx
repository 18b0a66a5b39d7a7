import { useState } from "preact/hooks";
import { records, type RowLinks } from "../api";
import { cell } from "../format";
import { href } from "../route";
import { LinkIcon } from "./Icons";

/**
 * A link icon and its popup: for each link (the spec's or a built-in one) that leads from this row, the linked
 * rows with a way to jump to their stack. Links are followed both ways: the server resolves them from either end.
 */
export function LinkPopup({ snapshot, rowLinks, label }: { snapshot: string; rowLinks: RowLinks; label: string }) {
  const [open, setOpen] = useState(false);
  const count = rowLinks.links.reduce((n, l) => n + l.rows.rows.length, 0);
  return (
    <span class="link-popup-host">
      <button
        class="link-icon"
        data-testid="link-icon"
        data-table={rowLinks.table}
        aria-expanded={open}
        title={`${count} linked row${count === 1 ? "" : "s"} from ${rowLinks.table}`}
        onClick={() => setOpen(!open)}
      >
        <LinkIcon />
        {label ? ` ${label}` : ""} <span class="link-count">{count}</span>
      </button>
      {open && (
        <div class="link-popup" data-testid="link-popup" role="dialog">
          {rowLinks.links
            .filter((l) => l.rows.rows.length > 0)
            .map((l) => (
              <div class="link-group">
                <div class="link-note">
                  {l.note ?? "link"}: <code>{rowLinks.table}</code>({l.columns.join(", ")}) → <code>{l.table}</code>({l.other_columns.join(", ")})
                </div>
                <ul>
                  {records(l.rows).map((r) => (
                    <li>
                      <a data-testid="linked-stack" href={href("stacks", snapshot, { stack: String(r.stack_id) })}>
                        stack {String(r.stack_id)}
                      </a>{" "}
                      <span class="link-row">
                        {l.other_columns.map((c) => `${c}=${cell(r[c])}`).join(" ")}
                        {r.method ? ` ${cell(r.method)}` : ""}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
        </div>
      )}
    </span>
  );
}

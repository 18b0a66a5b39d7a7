import type { SnapshotSummary } from "../api";
import { ms, when } from "../format";
import { href } from "../route";

/** Every loaded snapshot, newest first: when, from what, which processes and how long each was paused. */
export function SnapshotsPage({ snapshots, onChanged }: { snapshots: SnapshotSummary[]; onChanged: () => void }) {
  const sorted = [...snapshots].sort((a, b) => b.captured_at_utc.localeCompare(a.captured_at_utc));
  return (
    <section>
      <div class="toolbar">
        <h1>Snapshots</h1>
        <button onClick={onChanged}>Refresh</button>
      </div>
      {sorted.length === 0 ? (
        <p class="hint">
          No snapshot yet. Click <b>Capture snapshot</b> (when the server runs with <code>--allow-capture</code>), or take one with{" "}
          <code>sideye snap --pid PID</code> into this server's snapshots folder.
        </p>
      ) : (
        <table class="grid snapshots" data-testid="snapshots">
          <thead>
            <tr>
              <th>captured</th>
              <th>source</th>
              <th>processes (pause)</th>
              <th>warnings</th>
              <th>id</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((s) => (
              <tr data-snapshot={s.id}>
                <td>
                  <a href={href("flame", s.id)}>{when(s.captured_at_utc)}</a>
                </td>
                <td>{s.source}</td>
                <td>
                  {s.processes.map((p) => (
                    <span class="process-chip" title={`runtime ${p.runtime_version ?? "?"}`}>
                      {p.name} ({p.pid}){p.pause_ms !== null ? ` · ${ms(p.pause_ms)}` : ""}
                    </span>
                  ))}
                </td>
                <td class="warnings-cell">{s.warnings.length ? s.warnings.join("; ") : ""}</td>
                <td>
                  <a href={href("stacks", s.id)}>
                    <code>{s.id}</code>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

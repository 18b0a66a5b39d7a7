import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type MachineProcess } from "../api";
import { ErrorBox, Loading } from "./ErrorBox";
import { useAsync } from "../useAsync";

const lastPidsKey = "sideye.capturePids";

/**
 * Capture snapshot: pick processes from this machine's .NET processes (`GET /api/processes`) and capture
 * them together (`POST /api/snapshots`, the same engine as `sideye snap`). The server allows it only when
 * started with `--allow-capture` (and an API key when it listens beyond loopback).
 */
export function CaptureDialog({ onClose, onCaptured }: { onClose: () => void; onCaptured: (id: string) => void }) {
  const processes = useAsync(() => api.processes(), []);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [partial, setPartial] = useState<string[]>([]);

  useEffect(() => {
    const list = processes.data;
    if (!list) return;
    // The processes captured last time that still run; nothing else is chosen for the user (pausing a
    // process is theirs to decide).
    const last: number[] = JSON.parse(localStorage.getItem(lastPidsKey) ?? "[]");
    setSelected(new Set(list.filter((p) => last.includes(p.pid)).map((p) => p.pid)));
  }, [processes.data]);

  const capture = async () => {
    setBusy(true);
    setError(null);
    try {
      const pids = [...selected];
      localStorage.setItem(lastPidsKey, JSON.stringify(pids));
      const taken = await api.capture(pids);
      if (taken.errors.length) {
        setPartial(taken.errors);
        setTimeout(() => onCaptured(taken.snapshot.id), 2500);
      } else onCaptured(taken.snapshot.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const notAllowed = processes.error instanceof ApiError && (processes.error.status === 501 || processes.error.status === 403);
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div class="modal capture-dialog" role="dialog" aria-label="Capture snapshot">
        <h2>Capture snapshot</h2>
        {processes.loading && <Loading what="this machine's .NET processes" />}
        {notAllowed ? (
          <p class="hint">
            This server does not take snapshots: start it with <code>sideye serve --allow-capture</code> (and an API key when it
            listens beyond loopback), or take one with <code>sideye snap</code>.
          </p>
        ) : (
          <ErrorBox error={processes.error} />
        )}
        {processes.data && (
          <table class="grid process-list">
            <thead>
              <tr>
                <th></th>
                <th>pid</th>
                <th>name</th>
                <th>runtime</th>
                <th>command line</th>
              </tr>
            </thead>
            <tbody>
              {processes.data.map((p: MachineProcess) => (
                <tr>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${p.name} (pid ${p.pid})`}
                      checked={selected.has(p.pid)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if ((e.target as HTMLInputElement).checked) next.add(p.pid);
                        else next.delete(p.pid);
                        setSelected(next);
                      }}
                    />
                  </td>
                  <td>{p.pid}</td>
                  <td>{p.name}</td>
                  <td>{p.runtime_version}</td>
                  <td class="command-line" title={p.command_line ?? ""}>
                    {p.command_line}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {processes.data?.length === 0 && <p class="hint">No .NET process of this user is running on this machine.</p>}
        <ErrorBox error={error} />
        {partial.length > 0 && (
          <div class="warning" role="status">
            Partial snapshot: {partial.join("; ")}
          </div>
        )}
        <div class="modal-buttons">
          <button onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button class="primary" data-testid="capture-go" onClick={capture} disabled={busy || selected.size === 0 || !processes.data}>
            {busy ? "Capturing…" : `Capture ${selected.size} process${selected.size === 1 ? "" : "es"}`}
          </button>
        </div>
      </div>
    </div>
  );
}

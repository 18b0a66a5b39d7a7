import { ApiError } from "../api";

/** The server's message for a failed request, as it said it (title, detail, compiler diagnostics). */
export function ErrorBox({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <div class="error" role="alert" data-testid="error">
      <strong>{e ? e.title : "Error"}</strong>
      {e?.detail && <span class="error-detail"> {e.detail}</span>}
      {!e && <span class="error-detail"> {String(error instanceof Error ? error.message : error)}</span>}
      {e && e.diagnostics.length > 1 && (
        <ul class="diagnostics">
          {e.diagnostics.map((d) => (
            <li>{d}</li>
          ))}
        </ul>
      )}
      {onDismiss && (
        <button class="link-button" onClick={onDismiss} title="Dismiss">
          ✕
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <div class="loading">Loading {what}…</div>;
}

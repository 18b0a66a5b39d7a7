import { useState } from "preact/hooks";

/**
 * The server answered 401: it was started with an API key (`--api-key-hash`). The key is kept for this tab
 * only (sessionStorage) and sent as `Authorization: Bearer`, as every other client of the API sends it.
 */
export function ApiKeyDialog({ onDone }: { onDone: (key: string) => void }) {
  const [key, setKey] = useState("");
  return (
    <div class="modal-backdrop">
      <form
        class="modal"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) onDone(key.trim());
        }}
      >
        <h2>API key required</h2>
        <p>This server needs the key that `sideye generatekey` printed (its hash was given to `sideye serve --api-key-hash`).</p>
        <input type="password" autoFocus aria-label="API key" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        <div class="modal-buttons">
          <button class="primary" type="submit">
            Use this key
          </button>
        </div>
      </form>
    </div>
  );
}

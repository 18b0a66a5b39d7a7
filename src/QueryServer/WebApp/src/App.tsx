import { useEffect, useState } from "preact/hooks";
import { api, apiKey, setUnauthorizedHandler, type SnapshotSummary } from "./api";
import { CaptureDialog } from "./components/CaptureDialog";
import { ApiKeyDialog } from "./components/ApiKeyDialog";
import { href, navigate, portableFilters, snapshotPages, useRoute, type Route } from "./route";
import { useAsync } from "./useAsync";
import { SnapshotsPage } from "./pages/SnapshotsPage";
import { FlamePage } from "./pages/FlamePage";
import { StacksPage } from "./pages/StacksPage";
import { TablesPage } from "./pages/TablesPage";
import { TablePage } from "./pages/TablePage";
import { SearchPage } from "./pages/SearchPage";
import { SqlPage } from "./pages/SqlPage";
import { SpecPage } from "./pages/SpecPage";
import { DiffPage } from "./pages/DiffPage";
import { when } from "./format";

/** The shell: the header (snapshot picker, views, capture, search) and the page the URL names. */
export function App() {
  const route = useRoute();
  const [needKey, setNeedKey] = useState(false);
  const [capturing, setCapturing] = useState(false);
  const snapshots = useAsync(() => api.snapshots(), [needKey]);
  useEffect(() => setUnauthorizedHandler(() => setNeedKey(true)), []);

  const list = snapshots.data ?? [];
  const current = route.snapshot;

  return (
    <div class="app">
      <header class="header">
        <a class="brand" href={href("snapshots")}>
          Sideye
        </a>
        <SnapshotPicker route={route} snapshots={list} />
        {current && (
          <nav class="views">
            {snapshotPages.map((p) => (
              <a
                class={route.page === p.page || (p.page === "tables" && route.page === "table") ? "active" : ""}
                href={href(p.page, current, p.page === "flame" || p.page === "stacks" ? portableFilters(route.params) : undefined)}
              >
                {p.label}
              </a>
            ))}
          </nav>
        )}
        <span class="spacer" />
        <a class={route.page === "spec" ? "active nav-link" : "nav-link"} href={href("spec")}>
          Spec
        </a>
        <a class={route.page === "diff" ? "active nav-link" : "nav-link"} href={href("diff", undefined, current ? { to: current } : undefined)}>
          Compare
        </a>
        {current && <GlobalSearch snapshot={current} />}
        <button class="primary" data-testid="capture-button" onClick={() => setCapturing(true)}>
          Capture snapshot
        </button>
      </header>
      {capturing && (
        <CaptureDialog
          onClose={() => setCapturing(false)}
          onCaptured={(id) => {
            setCapturing(false);
            snapshots.reload();
            // The same view of the new snapshot, filters kept; from elsewhere, the flame graph of everything.
            const page = route.snapshot && route.page !== "table" ? route.page : "flame";
            navigate(href(page, id, portableFilters(route.params)));
          }}
        />
      )}
      {needKey && (
        <ApiKeyDialog
          onDone={(key) => {
            apiKey.set(key);
            setNeedKey(false);
            location.reload();
          }}
        />
      )}
      <main class="main">
        <Page route={route} snapshots={list} listing={snapshots.loading} onSnapshotsChanged={snapshots.reload} />
      </main>
    </div>
  );
}

function Page({ route, snapshots, listing, onSnapshotsChanged }: { route: Route; snapshots: SnapshotSummary[]; listing: boolean; onSnapshotsChanged: () => void }) {
  const id = route.snapshot;
  // Not while the list reloads: a snapshot just captured is opened before the new list arrives.
  if (id && !listing && snapshots.length > 0 && !snapshots.some((s) => s.id === id)) {
    // Deleted while open, or a link from another server: say so and offer the others.
    return (
      <div class="error" role="alert" data-testid="error">
        <strong>Snapshot not found</strong> <span class="error-detail">Snapshot '{id}' is not loaded (deleted, or never taken here). </span>
        <a href={href("snapshots")}>Open another snapshot</a>
      </div>
    );
  }
  switch (route.page) {
    case "snapshots":
      return <SnapshotsPage snapshots={snapshots} onChanged={onSnapshotsChanged} />;
    case "flame":
      return <FlamePage snapshot={id!} params={route.params} />;
    case "stacks":
      return <StacksPage snapshot={id!} params={route.params} />;
    case "tables":
      return <TablesPage snapshot={id!} />;
    case "table":
      return <TablePage snapshot={id!} table={route.table!} params={route.params} />;
    case "search":
      return <SearchPage snapshot={id!} params={route.params} />;
    case "sql":
      return <SqlPage snapshot={id!} params={route.params} />;
    case "spec":
      return <SpecPage params={route.params} />;
    case "diff":
      return <DiffPage snapshots={snapshots} params={route.params} />;
  }
}

/** Switching snapshot keeps the page and its filters (the seed's "the new snapshot retains its filters"). */
function SnapshotPicker({ route, snapshots }: { route: Route; snapshots: SnapshotSummary[] }) {
  if (snapshots.length === 0) return null;
  return (
    <select
      class="snapshot-picker"
      data-testid="snapshot-picker"
      value={route.snapshot ?? ""}
      onChange={(e) => {
        const id = (e.target as HTMLSelectElement).value;
        if (!id) return;
        const page = route.snapshot && route.page !== "table" ? route.page : "stacks";
        navigate(href(page, id, portableFilters(route.params), route.table));
      }}
    >
      {!route.snapshot && <option value="">Open a snapshot…</option>}
      {snapshots.map((s) => (
        <option value={s.id}>
          {when(s.captured_at_utc)} · {s.source} · {s.processes.map((p) => p.name).join(", ")}
        </option>
      ))}
    </select>
  );
}

function GlobalSearch({ snapshot }: { snapshot: string }) {
  const [text, setText] = useState("");
  return (
    <form
      class="global-search"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) navigate(href("search", snapshot, { text: text.trim() }));
      }}
    >
      <input
        type="search"
        placeholder="Search captured data…"
        aria-label="Search captured data"
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
    </form>
  );
}

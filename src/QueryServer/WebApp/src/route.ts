// Routes live in the URL's hash (`#/s/<snapshot>/stacks?contains=GetInfo`), so every view, its filters
// included, can be bookmarked, shared and reloaded, and the server needs no fallback route for the app.
import { useEffect, useState } from "preact/hooks";
import type { StackFilterParams } from "./api";

export type Page = "snapshots" | "flame" | "stacks" | "tables" | "table" | "search" | "sql" | "spec" | "diff";

export interface Route {
  page: Page;
  snapshot?: string;
  table?: string;
  params: URLSearchParams;
}

/** The pages of one snapshot, in the order the header shows them. */
export const snapshotPages: { page: Page; label: string }[] = [
  { page: "flame", label: "Flame graph" },
  { page: "stacks", label: "Stacks" },
  { page: "tables", label: "Tables" },
  { page: "search", label: "Search" },
  { page: "sql", label: "SQL" },
];

/** The stack filters, in the URL under these names (the API's names). */
export const filterNames = ["process", "kind", "contains", "prefix", "stack"] as const;

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, "");
  const [path, search = ""] = text.split("?", 2);
  const params = new URLSearchParams(search);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "s" && parts[1]) {
    const snapshot = parts[1];
    const sub = parts[2] ?? "stacks";
    if (sub === "tables" && parts[3]) return { page: "table", snapshot, table: parts[3], params };
    if (["flame", "stacks", "tables", "search", "sql"].includes(sub)) return { page: sub as Page, snapshot, params };
    return { page: "stacks", snapshot, params };
  }
  if (parts[0] === "spec") return { page: "spec", params };
  if (parts[0] === "diff") return { page: "diff", params };
  return { page: "snapshots", params };
}

export function href(page: Page, snapshot?: string, params?: URLSearchParams | Record<string, string>, table?: string): string {
  const q = params instanceof URLSearchParams ? params : new URLSearchParams(params ?? {});
  for (const [k, v] of [...q.entries()]) if (v === "") q.delete(k);
  const search = q.toString() ? `?${q.toString()}` : "";
  const enc = encodeURIComponent;
  switch (page) {
    case "snapshots":
      return `#/${search}`;
    case "spec":
    case "diff":
      return `#/${page}${search}`;
    case "table":
      return `#/s/${enc(snapshot!)}/tables/${enc(table!)}${search}`;
    default:
      return `#/s/${enc(snapshot!)}/${page}${search}`;
  }
}

/** The stack filters of a route, as API parameters. */
export function filtersOf(params: URLSearchParams): StackFilterParams {
  const f: StackFilterParams = {};
  for (const name of filterNames) {
    const v = params.get(name);
    if (v) f[name] = v;
  }
  return f;
}

/**
 * The filters to carry to another snapshot: every one but `stack`, whose ids are one snapshot's own (the
 * seed's "the new snapshot retains its filters").
 */
export function portableFilters(params: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const name of filterNames) {
    const v = params.get(name);
    if (v && name !== "stack") kept.set(name, v);
  }
  return kept;
}

export function navigate(to: string) {
  if (location.hash !== to) location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

// The query server's REST API as the app uses it: the app is a client of the public API only (docs/api.md,
// OpenAPI at /swagger/v1/swagger.json); every shape here is one the server documents.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface QueryResult {
  columns: string[];
  types: string[];
  rows: Json[][];
  truncated: boolean;
  elapsed_ms: number;
}

export interface ProcessSummary {
  pid: number;
  name: string;
  runtime_version: string | null;
  pause_ms: number | null;
}

export interface SnapshotSummary {
  id: string;
  captured_at_utc: string;
  source: string;
  processes: ProcessSummary[];
  warnings: string[];
  tables: string[];
}

export interface TakenSnapshot {
  snapshot: SnapshotSummary;
  errors: string[];
}

export interface MachineProcess {
  pid: number;
  name: string;
  command_line: string | null;
  runtime_version: string | null;
}

export interface Frame {
  depth: number;
  method: string;
  module: string | null;
  file: string | null;
  line: number | null;
  il_offset: number | null;
  kind: string;
  await_state: number | null;
}

export interface StackGroup {
  key: string;
  count: number;
  kind: string;
  pids: number[];
  frames: Frame[];
  stack_ids: number[];
  thread_names: string[];
  awaiting: string[];
  longest_wait_ms: number | null;
  longest_wait_stack_id: number | null;
}

export interface StackGroupChange {
  key: string;
  change: "appeared" | "disappeared" | "grew" | "shrank" | "same";
  kind: string;
  from_count: number;
  to_count: number;
  processes: string[];
  frames: Frame[];
  awaiting: string[];
}

export interface FlameNode {
  name: string;
  value: number;
  async: number;
  children: FlameNode[];
}

export interface LinkResolution {
  note: string | null;
  columns: string[];
  table: string;
  other_columns: string[];
  rows: QueryResult;
}

export interface RowLinks {
  table: string;
  stack_id: number;
  links: LinkResolution[];
}

export interface StackDetail {
  stack_id: number;
  stack: QueryResult;
  frames: QueryResult;
  stack_links: QueryResult;
  row_links: RowLinks[];
}

export interface ColumnInfo {
  name: string;
  type: string | null;
  visible: boolean;
  spec_type: string | null;
}

export interface TableInfo {
  name: string;
  kind: string;
  rows: number;
  columns: ColumnInfo[];
}

export interface SpecTable {
  name: string;
  kind: string;
  function: string | null;
  columns: ColumnInfo[] | null;
  sql: string | null;
}

export interface SpecLink {
  note: string | null;
  from: { table: string; columns: string[] };
  to: { table: string; columns: string[] };
}

export interface Spec {
  version: number;
  path: string | null;
  yaml: string;
  tables: SpecTable[];
  links: SpecLink[];
  warnings: string[];
  built_ins: { enabled: boolean; tables: SpecTable[]; links: SpecLink[] };
}

export interface SpecCheck {
  valid: boolean;
  diagnostics: string[];
}

export interface MethodVariable {
  pid: number;
  signature: string;
  name: string;
  type: string | null;
  kind: string;
  storage: string;
  hoisted: boolean | null;
  capturable: boolean;
  captured_as: string[];
}

/** A failed request: the server's problem document, in words a user can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly diagnostics: string[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

const keyStorage = "sideye.apiKey";

/** The API key the user typed when the server asked for one (kept for this browser tab only). */
export const apiKey = {
  get: (): string | null => sessionStorage.getItem(keyStorage),
  set: (key: string | null) => (key ? sessionStorage.setItem(keyStorage, key) : sessionStorage.removeItem(keyStorage)),
};

/** Called when the server answers 401: the shell asks for a key. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

async function request<T>(method: string, path: string, body?: string, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const key = apiKey.get();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (contentType) headers["Content-Type"] = contentType;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (e) {
    throw new ApiError(0, "The query server cannot be reached", `${e instanceof Error ? e.message : e}. Is \`sideye serve\` still running?`);
  }
  if (response.status === 401) onUnauthorized?.();
  const text = await response.text();
  if (!response.ok) {
    let problem: { title?: string; detail?: string; diagnostics?: string[] } = {};
    try {
      problem = JSON.parse(text);
    } catch {
      problem = { title: `HTTP ${response.status}`, detail: text.slice(0, 500) };
    }
    throw new ApiError(response.status, problem.title ?? `HTTP ${response.status}`, problem.detail ?? "", problem.diagnostics ?? []);
  }
  return (text ? JSON.parse(text) : null) as T;
}

const enc = encodeURIComponent;

/** Query parameters from an object, skipping empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

export interface StackFilterParams {
  process?: string;
  kind?: string;
  contains?: string;
  prefix?: string;
  stack?: string;
}

/** GET .../source: a frame's lines, as the file is now. */
export interface SourceLines {
  file: string;
  line: number;
  first_line: number;
  lines: string[];
  modified_utc: string;
  changed_since_capture: boolean;
}

export const api = {
  health: () => request<{ status: string; snapshots: number }>("GET", "/api/health"),
  snapshots: () => request<SnapshotSummary[]>("GET", "/api/snapshots"),
  manifest: (id: string) => request<SnapshotSummary>("GET", `/api/snapshots/${enc(id)}`),
  processes: () => request<MachineProcess[]>("GET", "/api/processes"),
  capture: (pids: number[]) =>
    request<TakenSnapshot>("POST", "/api/snapshots", JSON.stringify({ pids }), "application/json"),
  stacks: (id: string, filter: StackFilterParams) =>
    request<StackGroup[]>("GET", `/api/snapshots/${enc(id)}/stacks${query({ ...filter })}`),
  stack: (id: string, stackId: number) => request<StackDetail>("GET", `/api/snapshots/${enc(id)}/stacks/${stackId}`),
  flamegraph: (id: string, filter: StackFilterParams) =>
    request<FlameNode>("GET", `/api/snapshots/${enc(id)}/flamegraph${query({ ...filter })}`),
  functions: (id: string, prefix: string) =>
    request<QueryResult>("GET", `/api/snapshots/${enc(id)}/functions${query({ prefix })}`),
  tables: (id: string) => request<TableInfo[]>("GET", `/api/snapshots/${enc(id)}/tables`),
  table: (id: string, name: string, p: { limit: number; offset: number; order_by?: string; desc?: boolean; hidden?: boolean }) =>
    request<QueryResult>("GET", `/api/snapshots/${enc(id)}/tables/${enc(name)}${query(p)}`),
  search: (id: string, text: string) => request<QueryResult>("GET", `/api/snapshots/${enc(id)}/search${query({ text })}`),
  sql: (id: string, sql: string) =>
    request<QueryResult>("POST", `/api/snapshots/${enc(id)}/query`, JSON.stringify({ sql }), "application/json"),
  /** The links of a table's rows on each of these stacks, in one request (`stack_id` repeated). */
  linksOfStacks: (id: string, table: string, stackIds: number[]) =>
    request<{ table: string; stacks: RowLinks[] }>(
      "GET", `/api/snapshots/${enc(id)}/links/batch${query({ table })}${stackIds.map((s) => `&stack_id=${s}`).join("")}`),
  variables: (id: string, fn: string) =>
    request<{ function: string; table: string | null; methods: string[]; variables: MethodVariable[] }>(
      "GET", `/api/snapshots/${enc(id)}/variables${query({ function: fn })}`),
  source: (id: string, file: string, line: number) =>
    request<SourceLines>("GET", `/api/snapshots/${enc(id)}/source${query({ file, line, context: 4 })}`),
  diff: (from: string, to: string, filter: StackFilterParams) =>
    request<StackGroupChange[]>("GET", `/api/diff${query({ from, to, ...filter })}`),
  spec: () => request<Spec>("GET", "/api/spec"),
  putSpec: (yaml: string) => request<Spec>("PUT", "/api/spec", yaml, "application/yaml"),
  checkSpec: (yaml: string) => request<SpecCheck>("POST", "/api/spec/check", yaml, "application/yaml"),
};

/** Rows of a query result as objects keyed by column name. */
export function records(result: QueryResult): Record<string, Json>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])));
}

// Edits to the spec's YAML made by the app's forms (add variables, extra columns, derived tables, links).
// The `yaml` library edits the document in place, so the team's comments and layout survive; the server
// then checks the result exactly as it checks a hand-written spec (PUT /api/spec).
import { parseDocument, YAMLMap, YAMLSeq, isMap, isScalar, isSeq, type Document } from "yaml";

export interface CaptureItem {
  /** A variable name or a field path (`cs.Mu.Processing`). */
  expr: string;
  /** The column name, when not derived from the expression. */
  column?: string;
}

function doc(yaml: string): Document {
  const d = parseDocument(yaml || "{}\n");
  if (d.errors.length) throw new Error(d.errors[0].message);
  if (!isMap(d.contents)) d.contents = new YAMLMap() as any;
  return d;
}

function seq(d: Document, key: string): YAMLSeq {
  let s = d.get(key, true);
  if (!isSeq(s)) {
    s = new YAMLSeq();
    d.set(key, s);
  }
  return s as YAMLSeq;
}

function functionEntry(d: Document, fn: string, create: boolean): YAMLMap | null {
  const functions = seq(d, "functions");
  for (const item of functions.items) if (isMap(item) && String(item.get("function")) === fn) return item;
  if (!create) return null;
  const entry = d.createNode({ function: fn }) as YAMLMap;
  functions.items.push(entry);
  return entry;
}

/** What the spec captures from a function now: bare names and `{expr, column}` items alike. */
export function capturesOf(yaml: string, fn: string): CaptureItem[] {
  const entry = functionEntry(doc(yaml), fn, false);
  const capture = entry?.get("capture", true);
  if (!isSeq(capture)) return [];
  return capture.items.map((item) => {
    if (isScalar(item)) return { expr: String(item.value) };
    if (isMap(item)) return { expr: String(item.get("expr")), column: item.get("column") ? String(item.get("column")) : undefined };
    return { expr: String(item) };
  });
}

/** The function's captures replaced by these (the function's entry is created or, with none left, kept empty). */
export function setCaptures(yaml: string, fn: string, items: CaptureItem[]): string {
  const d = doc(yaml);
  const entry = functionEntry(d, fn, true)!;
  const capture = new YAMLSeq();
  for (const item of items) capture.items.push(item.column ? d.createNode({ expr: item.expr, column: item.column }, { flow: true }) : d.createNode(item.expr));
  entry.set("capture", capture);
  return d.toString();
}

export interface ExtraColumn {
  name: string;
  sql: string;
  type?: string;
  visible?: boolean;
}

/** Adds (or replaces, by name) an extra column of a function table, found by table name or function. */
export function addExtraColumn(yaml: string, table: { name: string; function: string | null }, column: ExtraColumn): string {
  const d = doc(yaml);
  const functions = seq(d, "functions");
  let entry = functions.items.find(
    (i) => isMap(i) && (String(i.get("table") ?? "") === table.name || (table.function && String(i.get("function")) === table.function)),
  ) as YAMLMap | undefined;
  if (!entry) {
    if (!table.function) throw new Error(`'${table.name}' is not a function table of this spec: extra columns belong to function tables.`);
    entry = functionEntry(d, table.function, true)!;
  }
  const existing = entry.get("columns", true);
  let list: YAMLSeq;
  if (isSeq(existing)) list = existing;
  else {
    list = new YAMLSeq();
    entry.set("columns", list);
  }
  const value: Record<string, unknown> = { name: column.name, sql: column.sql };
  if (column.type) value.type = column.type;
  if (column.visible === false) value.visible = false;
  const node = d.createNode(value, { flow: true });
  const at = list.items.findIndex((i) => isMap(i) && String(i.get("name")) === column.name);
  if (at >= 0) list.items[at] = node;
  else list.items.push(node);
  return d.toString();
}

export function addDerivedTable(yaml: string, name: string, sql: string): string {
  const d = doc(yaml);
  const tables = seq(d, "tables");
  const node = d.createNode({ name, sql }, { flow: true });
  const at = tables.items.findIndex((i) => isMap(i) && String(i.get("name")) === name);
  if (at >= 0) tables.items[at] = node;
  else tables.items.push(node);
  return d.toString();
}

export interface LinkForm {
  note: string;
  from: { table: string; columns: string[] };
  to: { table: string; columns: string[] };
}

export function addLink(yaml: string, link: LinkForm): string {
  const d = doc(yaml);
  const links = seq(d, "links");
  const node = d.createNode({}) as YAMLMap;
  if (link.note) node.set("note", link.note);
  node.set("from", d.createNode({ table: link.from.table, columns: link.from.columns }, { flow: true }));
  node.set("to", d.createNode({ table: link.to.table, columns: link.to.columns }, { flow: true }));
  links.items.push(node);
  return d.toString();
}

/** A compiler diagnostic (`file:line:column: error: message`) split for showing it at its place. */
export interface Diagnostic {
  line: number | null;
  column: number | null;
  severity: string;
  message: string;
  text: string;
}

export function parseDiagnostic(text: string): Diagnostic {
  const m = /^(?:.*?):(\d+):(\d+): (error|warning): (.*)$/s.exec(text);
  if (m) return { line: +m[1], column: +m[2], severity: m[3], message: m[4], text };
  return { line: null, column: null, severity: /warning/.test(text) ? "warning" : "error", message: text, text };
}

/** The extra columns a function's entry defines now (name, sql, type, visible). */
export function extraColumnsOf(yaml: string, table: { name: string; function: string | null }): ExtraColumn[] {
  const d = doc(yaml);
  const functions = d.get("functions", true);
  if (!isSeq(functions)) return [];
  const entry = functions.items.find(
    (i) => isMap(i) && (String(i.get("table") ?? "") === table.name || (!!table.function && String(i.get("function")) === table.function)),
  );
  const columns = isMap(entry) ? entry.get("columns", true) : null;
  if (!isSeq(columns)) return [];
  return columns.items.filter(isMap).map((c) => ({
    name: String(c.get("name")),
    sql: String(c.get("sql")),
    type: c.get("type") ? String(c.get("type")) : undefined,
    visible: c.get("visible") === false ? false : undefined,
  }));
}

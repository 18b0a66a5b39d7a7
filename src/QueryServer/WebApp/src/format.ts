// How values look in every view, in one place.

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (value >= 60_000) return `${(value / 60_000).toFixed(1)} min`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

export function when(iso: string): string {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

/** A cell of a result grid: JSON documents and lists as compact JSON, the rest as text. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The short name of a method (Type.Method) for narrow places; the full name stays in the title. */
export function shortMethod(method: string): string {
  const generic = method.indexOf("<");
  const head = generic >= 0 ? method.slice(0, generic) : method;
  const parts = head.split(".");
  return parts.length <= 2 ? method : parts.slice(-2).join(".") + (generic >= 0 ? method.slice(generic) : "");
}

/** A frame's source location, as `file:line` with the file's last two path segments. */
export function location(file: string | null, line: number | null): string {
  if (!file) return "";
  const short = file.split("/").slice(-2).join("/");
  return line ? `${short}:${line}` : short;
}

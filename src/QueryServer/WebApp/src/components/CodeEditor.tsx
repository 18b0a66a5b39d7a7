import { useEffect, useRef } from "preact/hooks";
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { sql } from "@codemirror/lang-sql";
import { yaml } from "@codemirror/lang-yaml";
import { setDiagnostics, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import type { Diagnostic } from "../specEdit";

export interface CodeEditorProps {
  value: string;
  language: "sql" | "yaml";
  onChange: (text: string) => void;
  /** Ctrl/Cmd+Enter. */
  onRun?: () => void;
  /** The compiler's diagnostics, underlined at their line and column. */
  diagnostics?: Diagnostic[];
  label: string;
}

/** CodeMirror 6 for the SQL console and the spec page. */
export function CodeEditor({ value, language, onChange, onRun, diagnostics, label }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const change = useRef(onChange);
  const run = useRef(onRun);
  // What the editor itself reported since the parent's value last matched it. The parent re-renders once per report,
  // so a keystroke that deletes then inserts renders with each text in turn, behind the editor: writing such a value
  // back would undo the typing, report again, and loop forever (it froze the page on "select all, then type").
  const own = useRef(new Set<string>());
  change.current = onChange;
  run.current = onRun;

  useEffect(() => {
    const editor = new EditorView({
      doc: value,
      parent: host.current!,
      extensions: [
        basicSetup,
        language === "sql" ? sql() : yaml(),
        keymap.of([{ key: "Mod-Enter", run: () => (run.current?.(), true) }]),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          const text = u.state.doc.toString();
          own.current.add(text);
          change.current(text);
        }),
        EditorView.contentAttributes.of({ "aria-label": label }),
      ],
    });
    view.current = editor;
    return () => editor.destroy();
  }, [language]);

  // A value set from outside (a saved spec, a query from the URL) replaces the text; one the editor reported itself
  // is only the parent catching up.
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    if (editor.state.doc.toString() === value) {
      own.current.clear();
      return;
    }
    if (own.current.has(value)) return;
    own.current.clear();
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const doc = editor.state.doc;
    const marks: CmDiagnostic[] = (diagnostics ?? [])
      .filter((d) => d.line !== null && d.line >= 1 && d.line <= doc.lines)
      .map((d) => {
        const line = doc.line(d.line!);
        const from = Math.min(line.to, line.from + Math.max(0, (d.column ?? 1) - 1));
        return { from, to: Math.max(from, line.to), severity: d.severity === "warning" ? "warning" : "error", message: d.message };
      });
    editor.dispatch(setDiagnostics(editor.state, marks));
  }, [diagnostics]);

  return <div class="code-editor" data-testid={`editor-${language}`} ref={host} />;
}

import { useEffect, useState } from "preact/hooks";
import type { CodeEditorProps } from "./CodeEditor";

// CodeMirror is most of the app's code and only the SQL and spec pages use it: it is loaded with them, so the
// stacks and flame graph views paint without parsing it.
let module: Promise<typeof import("./CodeEditor")> | null = null;

export function CodeEditor(props: CodeEditorProps) {
  const [editor, setEditor] = useState<typeof import("./CodeEditor") | null>(null);
  useEffect(() => {
    let current = true;
    (module ??= import("./CodeEditor")).then((m) => current && setEditor(m));
    return () => {
      current = false;
    };
  }, []);
  return editor ? <editor.CodeEditor {...props} /> : <div class="loading">Loading the editor…</div>;
}

import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { python } from '@codemirror/lang-python';
import { StreamLanguage } from '@codemirror/language';
import { csharp } from '@codemirror/legacy-modes/mode/clike';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { CodeEditorProps } from './code-editor.tsx';
import type { CodeLanguage } from './code-language.ts';

const languageExtension = (language: CodeLanguage) => {
  switch (language) {
    case 'python':
      return [python()];
    case 'javascript':
      return [javascript()];
    // No Lezer grammar exists for C#: CodeMirror's stream-based C-like mode highlights it.
    case 'csharp':
      return [StreamLanguage.define(csharp)];
    case 'json':
      return [json()];
    case 'text':
      return [];
  }
};

/** The CodeMirror 6 view behind {@link CodeEditor}; loaded only when an editor is first shown. */
export default function CodeEditorView({
  value,
  onChange,
  language,
  label,
  readOnly = false,
  minHeight = '16rem',
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // The view is rebuilt only when the language or read-only state changes; typing goes through
  // the view's own state, and outside changes of `value` are dispatched below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: value is applied by the effect below
  useEffect(() => {
    if (!host.current) return;
    const created = new EditorView({
      doc: value,
      parent: host.current,
      extensions: [
        basicSetup,
        ...languageExtension(language),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.theme({ '&': { minHeight }, '.cm-scroller': { minHeight } }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
        }),
      ],
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, [language, readOnly, label, minHeight]);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const text = current.state.doc.toString();
    if (text !== value) current.dispatch({ changes: { from: 0, to: text.length, insert: value } });
  }, [value]);

  return <div ref={host} className="ui-code-editor" title={label} />;
}

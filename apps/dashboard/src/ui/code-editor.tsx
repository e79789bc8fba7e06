import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { CodeLanguage } from './code-language.ts';

/** Props of {@link CodeEditor}. */
export interface CodeEditorProps {
  readonly value: string;
  readonly onChange?: (value: string) => void;
  readonly language: CodeLanguage;
  /** Names the editor for screen readers and the hover title (translated). */
  readonly label: string;
  readonly readOnly?: boolean;
  /** CSS height the editor keeps while short, e.g. `16rem`. */
  readonly minHeight?: string;
}

const CodeEditorView = lazy(() => import('./code-editor-view.tsx'));

/** A CodeMirror 6 editor with syntax highlighting; its code loads the first time one is shown. */
export function CodeEditor(props: CodeEditorProps) {
  const { t } = useTranslation('ui');
  return (
    <Suspense fallback={<div className="ui-code-editor ui-loading">{t('editor.loading')}</div>}>
      <CodeEditorView {...props} />
    </Suspense>
  );
}

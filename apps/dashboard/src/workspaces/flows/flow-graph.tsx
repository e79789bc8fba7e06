import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { EdgeKind, Transitions } from './transitions.ts';

/** Props of {@link FlowGraph}. */
export interface FlowGraphProps {
  readonly transitions: Transitions;
  /** The executionKey the flow starts with, drawn highlighted. */
  readonly startKey: string;
  /** The outcome a newly drawn arrow stands for. */
  readonly newEdgeKind: EdgeKind;
  readonly onChange: (transitions: Transitions) => void;
}

const FlowGraphView = lazy(() => import('./flow-graph-view.tsx'));

/** The graph editor of a flow's transitions; the graph library loads the first time it is shown. */
export function FlowGraph(props: FlowGraphProps) {
  const { t } = useTranslation('flows');
  return (
    <Suspense fallback={<div className="flow-graph ui-loading">{t('graph.loading')}</div>}>
      <FlowGraphView {...props} />
    </Suspense>
  );
}

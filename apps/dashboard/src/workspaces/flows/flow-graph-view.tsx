import '@xyflow/react/dist/style.css';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  type Node,
  type NodeChange,
  ReactFlow,
} from '@xyflow/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlowGraphProps } from './flow-graph.tsx';
import { EDGE_COLORS } from './legend.ts';
import { connect, disconnect, type EdgeKind, edgesOf, layoutOf, removeStep } from './transitions.ts';

const COLUMN_WIDTH = 240;
const ROW_HEIGHT = 110;

const layoutPositions = (props: FlowGraphProps) =>
  Object.fromEntries(
    Object.entries(layoutOf(props.transitions, props.startKey)).map(([key, cell]) => [
      key,
      { x: cell.column * COLUMN_WIDTH, y: cell.row * ROW_HEIGHT },
    ]),
  );

/** The @xyflow/react canvas behind {@link FlowGraph}; loaded when a flow is first edited. */
export default function FlowGraphView(props: FlowGraphProps) {
  const { t } = useTranslation('flows');
  const { transitions, startKey, newEdgeKind, onChange } = props;

  const buildNodes = (previous: readonly Node[]): Node[] => {
    const layout = layoutPositions(props);
    const byId = new Map(previous.map((node) => [node.id, node]));
    // A node keeps what the canvas learnt about it (position moved by hand, size, selection).
    return Object.keys(transitions).map((key) => ({
      ...byId.get(key),
      id: key,
      position: byId.get(key)?.position ?? layout[key] ?? { x: 0, y: 0 },
      data: { label: key === startKey ? t('graph.startNode', { key }) : key },
      className: key === startKey ? 'flow-node flow-node-start' : 'flow-node',
      ariaLabel: key,
    }));
  };
  const buildEdges = (previous: readonly Edge[]): Edge[] => {
    const selected = new Set(previous.filter((edge) => edge.selected).map((edge) => edge.id));
    return edgesOf(transitions).map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      selected: selected.has(edge.id),
      label: t(`graph.edge.${edge.kind}`),
      style: { stroke: EDGE_COLORS[edge.kind], strokeWidth: 2 },
      labelStyle: { fill: EDGE_COLORS[edge.kind], fontWeight: 600 },
      markerEnd: { type: MarkerType.ArrowClosed, color: EDGE_COLORS[edge.kind] },
      data: { kind: edge.kind },
    }));
  };
  const [nodes, setNodes] = useState<Node[]>(() => buildNodes([]));
  const [edges, setEdges] = useState<Edge[]>(() => buildEdges([]));
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt when the flow changes, keeping canvas state
  useEffect(() => {
    setNodes(buildNodes);
    setEdges(buildEdges);
  }, [transitions, startKey, t]);

  // Removals go through onNodesDelete/onEdgesDelete, which change the transitions instead.
  const onNodesChange = (changes: NodeChange[]) =>
    setNodes((current) =>
      applyNodeChanges(
        changes.filter((change) => change.type !== 'remove'),
        current,
      ),
    );
  const onEdgesChange = (changes: EdgeChange[]) =>
    setEdges((current) =>
      applyEdgeChanges(
        changes.filter((change) => change.type !== 'remove'),
        current,
      ),
    );
  const onConnect = (connection: Connection) => {
    if (connection.source && connection.target)
      onChange(connect(transitions, connection.source, newEdgeKind, connection.target));
  };
  const onEdgesDelete = (deleted: Edge[]) => {
    let next = transitions;
    for (const edge of deleted) next = disconnect(next, edge.source, (edge.data as { kind: EdgeKind }).kind);
    onChange(next);
  };
  const onNodesDelete = (deleted: Node[]) => {
    let next = transitions;
    for (const node of deleted) next = removeStep(next, node.id);
    onChange(next);
  };

  return (
    <div className="flow-graph" title={t('graph.hint')}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onEdgesDelete={onEdgesDelete}
        onNodesDelete={onNodesDelete}
        fitView
        proOptions={{ hideAttribution: true }}
        aria-label={t('graph.label')}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

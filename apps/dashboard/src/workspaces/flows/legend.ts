import { EDGE_KINDS, type EdgeKind } from './transitions.ts';

/** Edge colours per outcome, shared by the graph and its legend. */
export const EDGE_COLORS: Readonly<Record<EdgeKind, string>> = {
  onSuccess: '#1a7f45',
  onFailure: '#b45309',
  onException: '#b42318',
};

/** The legend's entries, in outcome order. */
export const EDGE_COLORS_LEGEND = EDGE_KINDS.map((kind) => ({ kind, color: EDGE_COLORS[kind] }));

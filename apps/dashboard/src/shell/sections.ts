import type { ComponentType } from 'react';

/** Sidebar groups, in order (spec §4.2). */
export const SECTION_GROUPS = ['observability', 'flows', 'administration', 'system'] as const;
export type SectionGroup = (typeof SECTION_GROUPS)[number];

/** A workspace module: its default export is the page. */
export interface WorkspaceModule {
  readonly default: ComponentType;
}

/** One entry of the sidebar and its route `/dashboard/:id`. */
export interface Section {
  readonly id: string;
  readonly group: SectionGroup;
  /** A symbol drawn before the label; decorative only. */
  readonly icon: string;
  /** Shown to global administrators only; the server refuses the others anyway. */
  readonly adminOnly: boolean;
  /** Loads the workspace's code the first time it opens. */
  readonly load: () => Promise<WorkspaceModule>;
}

const workspaces = import.meta.glob<WorkspaceModule>('../workspaces/*/index.tsx');

/** The loader of `src/workspaces/<id>/index.tsx`; a workspace not built yet fails to load visibly. */
const workspace = (id: string) => (): Promise<WorkspaceModule> => {
  const load = workspaces[`../workspaces/${id}/index.tsx`];
  return load ? load() : Promise.reject(new Error(`workspace ${id} is not part of this build`));
};

const section = (id: string, group: SectionGroup, icon: string, adminOnly = false): Section => ({
  id,
  group,
  icon,
  adminOnly,
  load: workspace(id),
});

/** Every section of spec §4.2, in sidebar order. */
export const SECTIONS: readonly Section[] = [
  section('home', 'observability', '⌂'),
  section('requests', 'observability', '⇄'),
  section('explorer', 'observability', '⌕'),
  section('steps', 'flows', '▤'),
  section('flows', 'flows', '⇶'),
  section('triggers', 'flows', '⚡'),
  section('runs', 'flows', '▶'),
  section('artifacts', 'flows', '◫'),
  section('runtimes', 'flows', '⚙'),
  section('tenants', 'administration', '▦', true),
  section('users', 'administration', '☺'),
  section('credentials', 'administration', '⌘'),
  section('roles', 'administration', '◈'),
  section('permissions', 'administration', '✓'),
  section('workers', 'system', '⎈', true),
  section('logs', 'system', '≣', true),
  section('settings', 'system', '⚒'),
];

/** The section of an id from the URL; an unknown id opens Home (spec §4.1). */
export const sectionById = (id: string | undefined): Section =>
  SECTIONS.find((candidate) => candidate.id === id) ?? (SECTIONS[0] as Section);

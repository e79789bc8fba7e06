import {
  Component,
  type ComponentType,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  Suspense,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { Section } from './sections.ts';

const pages = new Map<string, LazyExoticComponent<ComponentType>>();

/** One lazy component per section, made once, so revisiting a workspace does not reload it. */
const pageOf = (section: Section): LazyExoticComponent<ComponentType> => {
  let page = pages.get(section.id);
  if (page === undefined) {
    page = lazy(section.load);
    pages.set(section.id, page);
  }
  return page;
};

const Loading = () => {
  const { t } = useTranslation('shell');
  return (
    <p className="workspace-loading" role="status">
      {t('workspace.loading')}
    </p>
  );
};

const LoadFailed = ({ error }: { readonly error: unknown }) => {
  const { t } = useTranslation('shell');
  return (
    <div className="notice notice-error" role="alert">
      <strong>{t('workspace.failed')}</strong>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
};

/** Keeps a failing workspace from taking the shell down with it. */
class WorkspaceBoundary extends Component<{ readonly children: ReactNode }, { readonly error: unknown }> {
  override state: { readonly error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    return this.state.error === null ? this.props.children : <LoadFailed error={this.state.error} />;
  }
}

/** The page of `section`, loaded on first use; its state starts afresh on another tenant. */
export const WorkspaceView = ({
  section,
  tenantId,
  generation,
}: {
  readonly section: Section;
  readonly tenantId: string;
  /** Bumped to rebuild the page, e.g. after the wizard created records. */
  readonly generation: number;
}) => {
  const Page = pageOf(section);
  return (
    <WorkspaceBoundary key={`${section.id}:${tenantId}:${generation}`}>
      <Suspense fallback={<Loading />}>
        <Page />
      </Suspense>
    </WorkspaceBoundary>
  );
};

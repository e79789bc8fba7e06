import { useTranslation } from 'react-i18next';
import { Badge, CopyableId, DataTable } from '../../ui/index.ts';
import { type SnapshotArtifact, snapshotArtifacts } from './run-snapshot.ts';

/** The artifact versions frozen in the run's snapshot when it was enqueued, step by step. */
export function RunSnapshotCard({ snapshotJson }: { readonly snapshotJson: string | null }) {
  const { t } = useTranslation('runs');
  return (
    <section aria-label={t('snapshot.title')}>
      <h3>{t('snapshot.title')}</h3>
      <p className="ui-field-hint">{t('snapshot.subtitle')}</p>
      <DataTable<SnapshotArtifact>
        caption={t('snapshot.title')}
        rows={snapshotArtifacts(snapshotJson)}
        rowKey={(entry) => entry.executionKey}
        emptyText={t('snapshot.empty')}
        columns={[
          {
            id: 'key',
            header: t('snapshot.executionKey'),
            cell: (entry) => <code>{entry.executionKey}</code>,
          },
          { id: 'runtime', header: t('snapshot.runtime'), cell: (entry) => <code>{entry.runtimeKey}</code> },
          {
            id: 'artifact',
            header: t('snapshot.artifact'),
            cell: (entry) => (entry.pin.kind === 'pinned' ? <CopyableId id={entry.pin.artifactId} /> : ''),
          },
          {
            id: 'version',
            header: t('snapshot.version'),
            cell: (entry) =>
              entry.pin.kind === 'pinned' ? (
                <code title={entry.pin.sha256} data-testid="snapshot-version">
                  {entry.pin.version}
                </code>
              ) : (
                <Badge text={t('snapshot.unresolved')} tone="bad" hint={entry.pin.message} />
              ),
          },
        ]}
      />
    </section>
  );
}

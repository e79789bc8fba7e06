import type { FlowRunRecord } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { MISSING, useFormat } from '../../i18n/format.ts';
import { ConfirmModal, CopyableId, DataTable, ErrorNotice, Modal, Tiles } from '../../ui/index.ts';
import { RunLogViewer } from './run-log-viewer.tsx';
import { RunSnapshotCard } from './run-snapshot-card.tsx';
import { isFinished, prettyPayload, RunStateBadge, runtimeMsOf } from './run-state.tsx';

/** One run in a side drawer: summary and placement, payloads, step results, activity and logs. */
export function RunDrawer({
  runId,
  onClose,
  onChanged,
}: {
  readonly runId: string;
  readonly onClose: () => void;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation('runs');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const runs = client.tenant(tenantId).runs;
  const [confirm, setConfirm] = useState<'cancel' | 'delete' | null>(null);
  const run = useApiQuery(() => runs.get(runId), [tenantId, runId]);
  const steps = useApiQuery(() => runs.steps(runId), [tenantId, runId]);
  const activity = useApiQuery(() => runs.activity(runId), [tenantId, runId]);
  const record: FlowRunRecord | undefined = run.data;
  // The log list reloads with the rest: a run that just ended may have written new files.
  const [logsGeneration, setLogsGeneration] = useState(0);
  const reloadAll = () => {
    run.reload();
    steps.reload();
    activity.reload();
    setLogsGeneration((value) => value + 1);
  };
  return (
    <Modal open size="drawer" title={t('drawer.title')} onClose={onClose}>
      <ErrorNotice error={run.error} />
      {record ? (
        <>
          <p className="runs-drawer-ids">
            <span>{tu('fields.id')}</span> <CopyableId id={record.id} /> <span>{t('fields.flow')}</span>{' '}
            <CopyableId id={record.dataFlowId} />
          </p>
          <div className="ui-page-actions runs-drawer-actions">
            <button type="button" className="ui-button" title={tu('table.refresh')} onClick={reloadAll}>
              {tu('table.refresh')}
            </button>
            {record.state === 'Queued' ? (
              <button
                type="button"
                className="ui-button"
                title={t('drawer.cancel')}
                onClick={() => setConfirm('cancel')}
              >
                {t('drawer.cancel')}
              </button>
            ) : null}
            {isFinished(record.state) ? (
              <button
                type="button"
                className="ui-button ui-button-danger"
                title={tu('actions.delete')}
                onClick={() => setConfirm('delete')}
              >
                {tu('actions.delete')}
              </button>
            ) : null}
          </div>
          <Tiles
            tiles={[
              { id: 'state', label: t('fields.state'), value: <RunStateBadge state={record.state} /> },
              {
                id: 'dispatch',
                label: t('fields.dispatchState'),
                value: record.dispatchState,
                hint: t('fields.dispatchStateHint'),
              },
              {
                id: 'node',
                label: t('fields.executionNodeKind'),
                value: record.executionNodeKind ?? MISSING,
              },
              {
                id: 'worker',
                label: t('fields.assignedWorkerId'),
                value: record.assignedWorkerId ?? MISSING,
              },
              { id: 'queue', label: t('fields.queueWaitMs'), value: format.duration(record.queueWaitMs) },
              {
                id: 'runtime',
                label: t('fields.runtime'),
                value: format.duration(runtimeMsOf(record.startedUtc, record.completedUtc)),
              },
              { id: 'attempt', label: t('fields.attempt'), value: format.number(record.dispatchAttempt) },
              { id: 'created', label: tu('fields.created'), value: format.dateTime(record.createdUtc) },
            ]}
          />
          {record.errorMessage ? <p className="ui-error">{record.errorMessage}</p> : null}
          <div className="ui-form-row">
            <section aria-label={t('drawer.input')}>
              <h3>{t('drawer.input')}</h3>
              <textarea
                className="ui-json ui-json-area"
                readOnly
                rows={8}
                aria-label={t('drawer.input')}
                value={prettyPayload(record.inputData)}
              />
            </section>
            <section aria-label={t('drawer.output')}>
              <h3>{t('drawer.output')}</h3>
              <textarea
                className="ui-json ui-json-area"
                readOnly
                rows={8}
                aria-label={t('drawer.output')}
                data-testid="run-output"
                value={prettyPayload(record.outputData)}
              />
            </section>
          </div>
        </>
      ) : null}
      <section aria-label={t('drawer.steps')}>
        <h3>{t('drawer.steps')}</h3>
        <DataTable
          caption={t('drawer.steps')}
          rows={steps.data}
          rowKey={(step) => step.id}
          loading={steps.loading}
          error={steps.error}
          columns={[
            { id: 'sequence', header: t('steps.sequence'), cell: (step) => format.number(step.sequence) },
            { id: 'step', header: t('steps.step'), cell: (step) => <code>{step.stepId}</code> },
            { id: 'result', header: t('steps.result'), cell: (step) => step.result },
            { id: 'state', header: t('steps.executionState'), cell: (step) => step.executionState },
            { id: 'artifact', header: t('steps.artifact'), cell: (step) => step.artifactVersion ?? '' },
            {
              id: 'wait',
              header: t('steps.capacityWait'),
              cell: (step) => format.duration(step.capacityWaitMs),
            },
            {
              id: 'took',
              header: t('fields.runtime'),
              cell: (step) => format.duration(runtimeMsOf(step.startedUtc, step.completedUtc)),
            },
            { id: 'error', header: t('steps.error'), cell: (step) => step.errorMessage ?? '' },
          ]}
        />
      </section>
      {record ? <RunSnapshotCard snapshotJson={record.executionSnapshotJson} /> : null}
      <section aria-label={t('drawer.activity')}>
        <h3>{t('drawer.activity')}</h3>
        <DataTable
          caption={t('drawer.assignments')}
          rows={activity.data?.assignments}
          rowKey={(assignment) => assignment.id}
          loading={activity.loading}
          error={activity.error}
          emptyText={t('drawer.noAssignments')}
          columns={[
            {
              id: 'attempt',
              header: t('fields.attempt'),
              cell: (assignment) => format.number(assignment.attemptNumber),
            },
            {
              id: 'worker',
              header: t('fields.assignedWorkerId'),
              cell: (assignment) => <code>{assignment.workerId}</code>,
            },
            { id: 'state', header: t('fields.state'), cell: (assignment) => assignment.state },
            {
              id: 'assigned',
              header: t('drawer.assigned'),
              cell: (assignment) => format.dateTime(assignment.assignedUtc),
            },
            {
              id: 'completed',
              header: t('drawer.completed'),
              cell: (assignment) => format.dateTime(assignment.completedUtc),
            },
          ]}
        />
        <DataTable
          caption={t('drawer.timeline')}
          rows={activity.data?.activity}
          rowKey={(event) => event.id}
          loading={activity.loading}
          emptyText={t('drawer.noActivity')}
          columns={[
            { id: 'when', header: t('drawer.when'), cell: (event) => format.dateTime(event.createdUtc) },
            { id: 'event', header: t('drawer.event'), cell: (event) => <code>{event.eventType}</code> },
            {
              id: 'worker',
              header: t('fields.assignedWorkerId'),
              cell: (event) => <code>{event.workerId}</code>,
            },
            { id: 'message', header: t('drawer.message'), cell: (event) => event.message ?? '' },
          ]}
        />
      </section>
      <RunLogViewer runId={runId} refreshKey={logsGeneration} />
      <ConfirmModal
        open={confirm !== null}
        title={confirm === 'cancel' ? t('drawer.cancelTitle') : t('drawer.deleteTitle')}
        message={confirm === 'cancel' ? t('drawer.cancelBody') : t('drawer.deleteBody')}
        confirmLabel={confirm === 'cancel' ? t('drawer.cancel') : undefined}
        recordId={runId}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          if (confirm === 'cancel') {
            await runs.cancel(runId);
            reloadAll();
          } else {
            await runs.delete(runId);
            onClose();
          }
          onChanged();
        }}
      />
    </Modal>
  );
}

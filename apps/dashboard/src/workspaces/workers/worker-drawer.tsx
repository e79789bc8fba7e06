import type { WorkerTokenIssued } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { reportIfUnauthorized } from '../../api/unauthorized.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import {
  readWorker,
  rotateWorkerToken,
  type WorkerAction,
  workerAction,
  workerActivity,
} from '../../api/workers-api.ts';
import { useFormat } from '../../i18n/format.ts';
import { Badge, ConfirmModal, CopyableId, CopyButton, ErrorNotice, Modal } from '../../ui/index.ts';

/** A confirmation waiting for the operator: blocking and rotating cut a worker off. */
type Pending = 'block' | 'rotate' | null;

/** One worker: state, admission, session, labels, capabilities, activity, and its actions. */
export const WorkerDrawer = ({
  workerId,
  onClose,
  onChanged,
}: {
  readonly workerId: string;
  readonly onClose: () => void;
  readonly onChanged: () => void;
}) => {
  const { t } = useTranslation('workers');
  const format = useFormat();
  const { client } = useTempoApi();
  const worker = useApiQuery((c) => readWorker(c, workerId), [workerId]);
  const activity = useApiQuery((c) => workerActivity(c, workerId), [workerId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [issued, setIssued] = useState<WorkerTokenIssued | null>(null);

  const run = async (action: WorkerAction) => {
    setBusy(true);
    setError(null);
    try {
      await workerAction(client, workerId, action);
      worker.reload();
      activity.reload();
      onChanged();
    } catch (caught) {
      reportIfUnauthorized(caught);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const rotate = async () => {
    setIssued(await rotateWorkerToken(client, workerId));
    worker.reload();
  };

  const data = worker.data;
  const isServer = data?.kind === 'Server';
  return (
    <Modal
      open
      size="drawer"
      title={data ? t('drawer.title', { name: data.name }) : t('drawer.loading')}
      onClose={onClose}
    >
      <ErrorNotice error={worker.error ?? error} onDismiss={error ? () => setError(null) : undefined} />
      {data ? (
        <>
          <div className="row worker-actions">
            {data.drainMode ? (
              <button
                type="button"
                className="button"
                data-action="resume"
                disabled={busy}
                title={t('actions.resumeHint')}
                onClick={() => void run('resume')}
              >
                {t('actions.resume')}
              </button>
            ) : (
              <button
                type="button"
                className="button"
                data-action="drain"
                disabled={busy}
                title={t('actions.drainHint')}
                onClick={() => void run('drain')}
              >
                {t('actions.drain')}
              </button>
            )}
            {data.enabled ? (
              <button
                type="button"
                className="button button-danger"
                data-action="block"
                disabled={busy || isServer}
                title={isServer ? t('actions.serverProtected') : t('actions.blockHint')}
                onClick={() => setPending('block')}
              >
                {t('actions.block')}
              </button>
            ) : (
              <button
                type="button"
                className="button"
                data-action="unblock"
                disabled={busy}
                title={t('actions.unblockHint')}
                onClick={() => void run('unblock')}
              >
                {t('actions.unblock')}
              </button>
            )}
            <button
              type="button"
              className="button"
              data-action="rotate"
              disabled={busy || isServer}
              title={isServer ? t('actions.serverProtected') : t('actions.rotateHint')}
              onClick={() => setPending('rotate')}
            >
              {t('actions.rotate')}
            </button>
            <Link
              to={`/dashboard/logs?sourceKind=worker&sourceId=${encodeURIComponent(data.id)}`}
              className="button"
              title={t('actions.logsHint')}
            >
              {t('actions.logs')}
            </Link>
          </div>
          {issued ? (
            <div className="notice notice-warn" role="status">
              <strong>{t('token.title')}</strong>
              <p>{t('token.warning')}</p>
              <div className="row">
                <code className="worker-token">{issued.token}</code>
                <CopyButton value={issued.token} label={t('token.title')} />
              </div>
            </div>
          ) : null}
          <dl className="facts">
            <div>
              <dt>{t('columns.id')}</dt>
              <dd>
                <CopyableId id={data.id} />
              </dd>
            </div>
            <div>
              <dt>{t('columns.state')}</dt>
              <dd>
                <Badge text={t(`state.${data.state}`)} tone={data.state === 'Online' ? 'good' : 'neutral'} />
              </dd>
            </div>
            <div>
              <dt>{t('columns.admission')}</dt>
              <dd data-testid="worker-admission">
                {!data.enabled
                  ? t('admission.blocked')
                  : data.drainMode
                    ? t('admission.draining')
                    : t('admission.accepting')}
              </dd>
            </div>
            <div>
              <dt>{t('drawer.version')}</dt>
              <dd>{data.version ?? t('drawer.unknown')}</dd>
            </div>
            <div>
              <dt>{t('drawer.host')}</dt>
              <dd>{data.hostName ?? t('drawer.unknown')}</dd>
            </div>
            <div>
              <dt>{t('columns.load')}</dt>
              <dd>{t('load', { active: data.activeAssignmentCount, max: data.maxConcurrentRuns })}</dd>
            </div>
            <div>
              <dt>{t('drawer.timeout')}</dt>
              <dd>
                {data.maxTaskTimeoutMs === 0 ? t('drawer.noTimeout') : format.duration(data.maxTaskTimeoutMs)}
              </dd>
            </div>
            <div>
              <dt>{t('drawer.session')}</dt>
              <dd>
                {data.latestSession
                  ? data.latestSession.disconnectedUtc
                    ? t('drawer.sessionEnded', {
                        time: format.dateTime(data.latestSession.disconnectedUtc),
                        reason: data.latestSession.disconnectReason ?? '',
                      })
                    : t('drawer.sessionLive', { time: format.dateTime(data.latestSession.connectedUtc) })
                  : t('drawer.neverConnected')}
              </dd>
            </div>
            <div>
              <dt>{t('drawer.tokenRotated')}</dt>
              <dd>{format.dateTime(data.tokenLastRotatedUtc)}</dd>
            </div>
            <div>
              <dt>{t('columns.labels')}</dt>
              <dd>{data.labels.length > 0 ? format.list(data.labels) : t('drawer.none')}</dd>
            </div>
          </dl>
          <h3>{t('drawer.capabilities')}</h3>
          <ul className="plain-list">
            {data.capabilities.map((capability) => (
              <li
                key={`${capability.runtimeKey}:${capability.sourceKind}:${capability.executionKey}:${capability.tenantScope}`}
              >
                <code>{capability.runtimeKey}</code>{' '}
                {t('drawer.capability', {
                  source: capability.sourceKind,
                  key: capability.executionKey,
                  tenant: capability.tenantScope,
                })}
              </li>
            ))}
          </ul>
          <h3>{t('drawer.activity')}</h3>
          <ErrorNotice error={activity.error} />
          <ul className="plain-list worker-activity">
            {(activity.data?.items ?? []).map((event) => (
              <li key={event.id}>
                <span className="muted">{format.dateTime(event.createdUtc)}</span>{' '}
                <code>{event.eventType}</code> {event.message ?? ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <ConfirmModal
        open={pending === 'block'}
        title={t('confirm.blockTitle')}
        message={t('confirm.block')}
        recordId={workerId}
        confirmLabel={t('actions.block')}
        onConfirm={() => run('block')}
        onClose={() => setPending(null)}
      />
      <ConfirmModal
        open={pending === 'rotate'}
        title={t('confirm.rotateTitle')}
        message={t('confirm.rotate')}
        recordId={workerId}
        confirmLabel={t('actions.rotate')}
        onConfirm={rotate}
        onClose={() => setPending(null)}
      />
    </Modal>
  );
};

import type { RegisteredStep, StepRecord } from '@tempo/contracts';
import { useTranslation } from 'react-i18next';
import { MISSING } from '../../i18n/format.ts';
import { Badge, CopyableId, DataTable } from '../../ui/index.ts';
import { type BuiltinCardRow, builtinCardRows, builtinIdentifier } from './registered-steps.ts';

const rowKey = (row: BuiltinCardRow): string =>
  row.kind === 'registered'
    ? `builtin:${row.builtin.tenantId}:${row.builtin.identifier}`
    : `step:${row.step.id}`;

/**
 * The built-in steps of the server process with the tenant's steps bound to each, followed by the
 * steps whose runtime or built-in no longer resolves, each with Edit and Delete to reconcile it.
 */
export function RegisteredStepsCard({
  registered,
  steps,
  tenantId,
  loading,
  error,
  onEdit,
  onDelete,
}: {
  readonly registered?: readonly RegisteredStep[];
  readonly steps?: readonly StepRecord[];
  readonly tenantId: string;
  readonly loading: boolean;
  readonly error?: unknown;
  readonly onEdit: (step: StepRecord) => void;
  readonly onDelete: (step: StepRecord) => void;
}) {
  const { t } = useTranslation('steps');
  const tu = useTranslation('ui').t;
  const rows = registered && steps ? builtinCardRows(registered, steps, tenantId) : undefined;
  return (
    <section aria-label={t('registered.title')}>
      <h2>{t('registered.title')}</h2>
      <p className="ui-page-subtitle">{t('registered.subtitle')}</p>
      <DataTable
        caption={t('registered.title')}
        rows={rows}
        rowKey={rowKey}
        loading={loading}
        error={error}
        columns={[
          {
            id: 'identifier',
            header: t('registered.identifier'),
            cell: (row) => (
              <code>
                {row.kind === 'registered'
                  ? row.builtin.identifier
                  : (builtinIdentifier(row.step) ?? MISSING)}
              </code>
            ),
          },
          {
            id: 'name',
            header: tu('fields.name'),
            cell: (row) => (row.kind === 'registered' ? row.builtin.name : row.step.name),
          },
          {
            id: 'runtime',
            header: t('fields.runtime'),
            cell: (row) => (
              <code>{row.kind === 'registered' ? row.builtin.runtimeKey : row.step.runtimeKey}</code>
            ),
          },
          {
            id: 'scope',
            header: t('registered.scope'),
            cell: (row) =>
              row.kind === 'registered'
                ? row.builtin.tenantId === 'global'
                  ? t('registered.global')
                  : t('registered.tenantOnly')
                : t('registered.noBuiltin'),
          },
          {
            id: 'status',
            header: t('fields.binding'),
            cell: (row) =>
              row.kind === 'dangling' ? (
                <Badge
                  text={t(`binding.${row.step.runtimeBindingState}`)}
                  tone="bad"
                  hint={row.step.runtimeBindingMessage ?? undefined}
                />
              ) : row.steps.length > 0 ? (
                <Badge text={t('registered.bound', { n: row.steps.length })} tone="good" />
              ) : (
                <Badge text={t('registered.unused')} tone="neutral" />
              ),
          },
          {
            id: 'steps',
            header: t('registered.steps'),
            cell: (row) =>
              row.kind === 'registered' ? (
                row.steps.map((step) => <CopyableId key={step.id} id={step.id} />)
              ) : (
                <span className="steps-reconcile">
                  <CopyableId id={row.step.id} />
                  <button
                    type="button"
                    className="ui-button"
                    title={t('registered.editHint', { key: row.step.executionKey })}
                    onClick={() => onEdit(row.step)}
                  >
                    {tu('actions.edit')}
                  </button>
                  <button
                    type="button"
                    className="ui-button ui-button-danger"
                    title={t('registered.deleteHint', { key: row.step.executionKey })}
                    onClick={() => onDelete(row.step)}
                  >
                    {tu('actions.delete')}
                  </button>
                </span>
              ),
          },
        ]}
      />
    </section>
  );
}

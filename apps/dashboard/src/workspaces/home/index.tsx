import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import { Badge, Chart, ErrorNotice, SelectField, Tiles } from '../../ui/index.ts';
import { PageHeader } from '../../ui/page-header.tsx';
import { ACTIVITY_RANGES, ACTIVITY_SERIES, type ActivityRange, bucketRuns } from './activity.ts';
import { ExternalServicesCard } from './external-services-card.tsx';

const SERIES_COLORS = { succeeded: '#2e9d55', failed: '#d0453a', inProgress: '#3b7dd8' } as const;

/** Most runs the chart reads for one range. */
const CHART_RUN_LIMIT = 1000;

/** Home: summary tiles, run activity, runtime availability, shortcuts (spec §4.2). */
export default function HomePage() {
  const { t } = useTranslation('home');
  const format = useFormat();
  const { tenantId, isAdmin } = useTempoApi();
  const [range, setRange] = useState<ActivityRange>('day');

  const totals = useApiQuery(
    async (client) => {
      const tenant = client.tenant(tenantId);
      const [steps, flows, triggers, runs] = await Promise.all([
        tenant.steps.list({ pageSize: 1 }),
        tenant.flows.list({ pageSize: 1 }),
        tenant.triggers.list({ pageSize: 1 }),
        tenant.runs.list({ pageSize: 1 }),
      ]);
      return {
        steps: steps.totalCount,
        flows: flows.totalCount,
        triggers: triggers.totalCount,
        runs: runs.totalCount,
      };
    },
    [tenantId],
  );
  const activity = useApiQuery(
    async (client) => {
      const nowMs = Date.now();
      const fromUtc = new Date(nowMs - ACTIVITY_RANGES[range].spanMs).toISOString();
      const runs = await client.tenant(tenantId).runs.list({ fromUtc, pageSize: CHART_RUN_LIMIT });
      return bucketRuns(runs.items, range, nowMs);
    },
    [tenantId, range],
  );
  const runtimes = useApiQuery((client) => client.tenant(tenantId).runtimes.list(), [tenantId]);

  const count = (value: number | undefined) => (value === undefined ? '…' : format.number(value));
  const labelOf = (startMs: number) => {
    const iso = new Date(startMs).toISOString();
    return range === 'week' ? format.date(iso) : format.dateTime(iso);
  };

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <ErrorNotice error={totals.error} />
      <Tiles
        tiles={[
          {
            id: 'steps',
            label: t('tiles.steps'),
            value: count(totals.data?.steps),
            hint: t('tiles.stepsHint'),
          },
          {
            id: 'flows',
            label: t('tiles.flows'),
            value: count(totals.data?.flows),
            hint: t('tiles.flowsHint'),
          },
          {
            id: 'triggers',
            label: t('tiles.triggers'),
            value: count(totals.data?.triggers),
            hint: t('tiles.triggersHint'),
          },
          { id: 'runs', label: t('tiles.runs'), value: count(totals.data?.runs), hint: t('tiles.runsHint') },
        ]}
      />
      <section className="card">
        <div className="row">
          <h2>{t('activity.title')}</h2>
          <span className="topbar-spacer" />
          <SelectField
            label={t('activity.range')}
            value={range}
            onChange={(value) => setRange(value as ActivityRange)}
            options={(Object.keys(ACTIVITY_RANGES) as ActivityRange[]).map((value) => ({
              value,
              label: t(`activity.ranges.${value}`),
            }))}
          />
        </div>
        <ErrorNotice error={activity.error} />
        {activity.data ? (
          <Chart
            type="bar"
            stacked
            label={t('activity.chartLabel')}
            labels={activity.data.startsMs.map(labelOf)}
            series={ACTIVITY_SERIES.map((series) => ({
              label: t(`activity.series.${series}`),
              values: activity.data?.counts[series] ?? [],
              color: SERIES_COLORS[series],
            }))}
          />
        ) : (
          <p className="muted">{t('activity.loading')}</p>
        )}
      </section>
      <div className="grid-2">
        <section className="card">
          <h2>{t('runtimes.title')}</h2>
          <ErrorNotice error={runtimes.error} />
          <ul className="plain-list">
            {(runtimes.data ?? []).map((runtime) => (
              <li key={runtime.runtimeKey} title={runtime.securityNotes ?? runtime.description}>
                <code>{runtime.runtimeKey}</code>{' '}
                <Badge
                  text={t(`runtimes.availability.${runtime.availability}`)}
                  tone={runtime.availability === 'Available' ? 'good' : 'warn'}
                />
              </li>
            ))}
          </ul>
          <Link to="/dashboard/runtimes" title={t('runtimes.openHint')}>
            {t('runtimes.open')}
          </Link>
        </section>
        <section className="card">
          <h2>{t('shortcuts.title')}</h2>
          <ul className="plain-list">
            {isAdmin ? (
              <li>
                <Link to="/dashboard/logs" title={t('shortcuts.logsHint')}>
                  {t('shortcuts.logs')}
                </Link>
              </li>
            ) : null}
            <li>
              <Link to="/dashboard/explorer" title={t('shortcuts.explorerHint')}>
                {t('shortcuts.explorer')}
              </Link>
            </li>
            <li>
              <Link to="/dashboard/runs" title={t('shortcuts.runsHint')}>
                {t('shortcuts.runs')}
              </Link>
            </li>
          </ul>
        </section>
        {isAdmin ? <ExternalServicesCard /> : null}
      </div>
    </>
  );
}

import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

/** One series of a {@link Chart}. */
export interface ChartSeries {
  /** Legend text (translated). */
  readonly label: string;
  readonly values: readonly number[];
  /** CSS colour; a palette colour when left out. */
  readonly color?: string;
}

/** Props of {@link Chart}. */
export interface ChartProps {
  readonly type: 'bar' | 'line';
  /** The x-axis labels, already formatted. */
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Describes the chart for screen readers (translated). */
  readonly label: string;
  /** Stacks the bars of the series. */
  readonly stacked?: boolean;
}

const ChartView = lazy(() => import('./chart-view.tsx'));

/** A chart.js chart whose library loads the first time a chart is shown. */
export function Chart(props: ChartProps) {
  const { t } = useTranslation('ui');
  return (
    <Suspense fallback={<div className="ui-chart ui-loading">{t('chart.loading')}</div>}>
      <ChartView {...props} />
    </Suspense>
  );
}

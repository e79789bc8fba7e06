import { Chart as ChartJs, registerables } from 'chart.js';
import { Chart as ReactChart } from 'react-chartjs-2';
import type { ChartProps } from './chart.tsx';

ChartJs.register(...registerables);

/** Colours of the series, in order; readable on the light and the dark theme. */
const PALETTE = ['#2f6fde', '#1f9d55', '#d97706', '#dc2626', '#7c3aed', '#0891b2'];

/** The chart.js canvas behind {@link Chart}; loaded only when a chart is first shown. */
export default function ChartView({ type, labels, series, label, stacked = false }: ChartProps) {
  const data = {
    labels: [...labels],
    datasets: series.map((one, index) => {
      const color = one.color ?? PALETTE[index % PALETTE.length];
      return { label: one.label, data: [...one.values], backgroundColor: color, borderColor: color };
    }),
  };
  return (
    <div className="ui-chart">
      <ReactChart
        type={type}
        data={data}
        aria-label={label}
        role="img"
        options={{
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { position: 'bottom' } },
          scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
        }}
      />
    </div>
  );
}

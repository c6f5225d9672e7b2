'use client';

import { CartesianGrid, Label, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock } from '@/components/ui/format';

export interface Series {
  key: string;
  label: string;
  color?: string;
}

const PALETTE = [
  'var(--accent)',
  'var(--ok)',
  'var(--warn)',
  'var(--err)',
  '#8b5cf6',
  '#0ea5e9',
  '#db2777',
  '#65a30d',
  '#f97316',
  '#14b8a6',
];

/**
 * A line chart over time (x = ms since epoch, shown in UTC). The data are samples (every 10 s by
 * default): each is drawn as a dot, joined by straight lines, so nothing is invented between them. No
 * animation: screenshots and tests read it as drawn.
 */
export function TimeSeriesChart({
  data,
  series,
  height = 240,
  format = (v: number) => v.toLocaleString('en-US'),
  testId,
}: {
  data: Array<Record<string, number>>;
  series: Series[];
  height?: number;
  format?: (v: number) => string;
  testId?: string;
}) {
  return (
    <div className="chart" style={{ height }} data-testid={testId} data-points={data.length}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            type="number"
            domain={['dataMin', 'dataMax']}
            scale="time"
            tickFormatter={formatClock}
            stroke="var(--muted)"
            fontSize={12}
            height={40}
          >
            <Label value="UTC" position="insideBottomRight" offset={0} fill="var(--muted)" fontSize={11} />
          </XAxis>
          <YAxis stroke="var(--muted)" fontSize={12} tickFormatter={format} width={64} />
          <Tooltip
            labelFormatter={(v) => `${formatClock(Number(v))} UTC`}
            formatter={(v) => format(Number(v))}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
          />
          {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {series.map((s, i) => (
            <Line
              key={s.key}
              type="linear"
              dataKey={s.key}
              name={s.label}
              stroke={s.color ?? PALETTE[i % PALETTE.length]}
              dot={{ r: data.length > 120 ? 1.5 : 2.5, strokeWidth: 0, fill: s.color ?? PALETTE[i % PALETTE.length] }}
              activeDot={{ r: 4 }}
              strokeWidth={1.5}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

'use client';

import { Line, LineChart, ResponsiveContainer, YAxis } from 'recharts';

/** A tiny trend line (produce rate in the topics table): straight lines between the samples, no smoothing. */
export function Sparkline({ values, testId }: { values: number[]; testId?: string }) {
  if (values.length < 2) return <span className="muted">–</span>;
  const data = values.map((v, i) => ({ i, v }));
  return (
    <div className="sparkline" data-testid={testId} aria-hidden>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
          <YAxis hide domain={[0, 'dataMax']} />
          <Line type="linear" dataKey="v" stroke="var(--accent)" dot={false} strokeWidth={1.5} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

import type { TopicDescription } from '@/server/broker';

export function TopicWatermarks({ topics }: { topics: TopicDescription[] }) {
  if (topics.length === 0) return <p data-testid="topics-empty">No topics yet.</p>;
  return (
    <table data-testid="topics-table">
      <thead>
        <tr>
          <th>Topic</th>
          <th className="num">Partition</th>
          <th className="num">Log start</th>
          <th className="num">High watermark</th>
          <th className="num">Records</th>
        </tr>
      </thead>
      <tbody>
        {topics.flatMap((t) =>
          t.partitionDetails.map((p) => (
            <tr key={`${t.name}-${p.partition}`} data-testid={`topics-partition-${t.name}-${p.partition}`}>
              <td>{p.partition === 0 ? t.name : ''}</td>
              <td className="num">{p.partition}</td>
              <td className="num">{p.logStartOffset}</td>
              <td className="num">{p.highWatermark}</td>
              <td className="num">{p.records}</td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}

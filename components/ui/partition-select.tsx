/** A topic's partitions 0..count-1 as a select, after one leading choice ("All", "automatic"). */
export function PartitionSelect({
  count,
  value,
  onChange,
  first,
  testId,
}: {
  count: number;
  value: string;
  onChange: (value: string) => void;
  first: { value: string; label: string };
  testId: string;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value={first.value}>{first.label}</option>
      {Array.from({ length: count }, (_, p) => (
        <option key={p} value={p}>
          {p}
        </option>
      ))}
    </select>
  );
}

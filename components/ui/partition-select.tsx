/** 0 … count-1: a topic's partitions are numbered densely. */
export const partitionNumbers = (count: number) => Array.from({ length: count }, (_, p) => p);

/** A topic's partitions 0..count-1 as a select, after one leading choice ("All", "automatic"). */
export function PartitionSelect({
  count,
  value,
  onChange,
  first,
  testId,
  id,
}: {
  count: number;
  value: string;
  onChange: (value: string) => void;
  first: { value: string; label: string };
  testId: string;
  /** For a `<label htmlFor>`. */
  id?: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value={first.value}>{first.label}</option>
      {partitionNumbers(count).map((p) => (
        <option key={p} value={p}>
          {p}
        </option>
      ))}
    </select>
  );
}

import { NoKey, NoValue, Tombstone } from './absent';
import { decodePayload } from './decode';

/** A key or value, rendered as text only (never as HTML). A null one shows as absent, not as "null". */
export function ValueView({ b64, label, testId }: { b64: string | null; label: 'Key' | 'Value'; testId?: string }) {
  const d = decodePayload(b64);
  if (d.kind === 'null') {
    return (
      <div className="value-view">
        <div className="value-label">{label}</div>
        <div data-testid={testId} data-null="true">
          {label === 'Key' ? <NoKey /> : <Tombstone />}{' '}
          <span className="muted small">
            {label === 'Key' ? 'null: the record was produced without a key' : 'null value: on a compacted topic it deletes this key'}
          </span>
        </div>
      </div>
    );
  }
  return (
    <div className="value-view">
      <div className="value-label">
        {label} <span className="muted">({d.kind === 'binary' ? `binary, ${d.size} bytes, hex` : d.kind})</span>
      </div>
      <pre data-testid={testId} className={`value value-${d.kind}`}>
        {d.kind === 'binary' ? d.hex : d.text}
      </pre>
    </div>
  );
}

export function HeadersView({ headers }: { headers: Array<{ key: string; value: string | null }> }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <div className="table-wrap">
      <table className="compact">
        <thead>
          <tr>
            <th>Header</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {headers.map((h, i) => {
            const d = decodePayload(h.value);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a record's headers are a fixed, ordered list whose keys may repeat: position is their identity
              <tr key={i}>
                <td className="mono">{h.key}</td>
                <td className="mono">{d.kind === 'null' ? <NoValue /> : d.kind === 'binary' ? d.hex : d.text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

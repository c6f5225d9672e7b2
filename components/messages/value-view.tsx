import { decodePayload } from './decode';

/** A key or value, rendered as text only (never as HTML). */
export function ValueView({ b64, label, testId }: { b64: string | null; label: string; testId?: string }) {
  const d = decodePayload(b64);
  return (
    <div className="value-view">
      <div className="value-label">
        {label} <span className="muted">({d.kind === 'null' ? 'null' : d.kind === 'binary' ? `binary, ${d.size} bytes, hex` : d.kind})</span>
      </div>
      <pre data-testid={testId} className={`value value-${d.kind}`}>
        {d.kind === 'null' ? 'null' : d.kind === 'binary' ? d.hex : d.text}
      </pre>
    </div>
  );
}

export function HeadersView({ headers }: { headers: Array<{ key: string; value: string | null }> }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
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
            <tr key={i}>
              <td className="mono">{h.key}</td>
              <td className="mono">{d.kind === 'null' ? 'null' : d.kind === 'binary' ? d.hex : d.text}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

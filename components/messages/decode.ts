/** How a payload is shown: pretty JSON when it parses, text when it is UTF-8, hex otherwise. */
export type Decoded =
  | { kind: 'null' }
  | { kind: 'json'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; hex: string; size: number };

const strict = new TextDecoder('utf-8', { fatal: true });

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function decodePayload(b64: string | null): Decoded {
  if (b64 === null) return { kind: 'null' };
  const bytes = base64ToBytes(b64);
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    return { kind: 'binary', hex: hexDump(bytes), size: bytes.length };
  }
  const t = text.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(t), null, 2) };
    } catch {
      /* not JSON after all */
    }
  }
  return { kind: 'text', text };
}

/** Offset, 16 bytes in hex, and their printable ASCII, per line (as hexdump -C). */
export function hexDump(bytes: Uint8Array, limit = 4096): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, limit);
  for (let i = 0; i < n; i += 16) {
    const row = bytes.subarray(i, Math.min(i + 16, n));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  if (bytes.length > limit) lines.push(`… ${bytes.length - limit} more bytes`);
  return lines.join('\n');
}

/** One line for a table cell. */
export function preview(d: Decoded, max = 120): string {
  if (d.kind === 'null') return 'null';
  const s = d.kind === 'binary' ? `<${d.size} bytes binary>` : d.kind === 'json' ? d.text.replace(/\s+/g, ' ') : d.text;
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

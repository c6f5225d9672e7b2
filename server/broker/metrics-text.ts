/**
 * Reads Prometheus' text format into `name{labels}` → value, with labels sorted (the order a client
 * prints them in does not matter). For tests and tools that check what /api/metrics says.
 */
export function parsePrometheusText(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    const key = line.slice(0, i).replace(
      /\{(.*)\}$/,
      (_, body: string) =>
        `{${body
          .split(/,(?=[a-z_]+=")/)
          .sort()
          .join(',')}}`,
    );
    out.set(key, Number(line.slice(i + 1)));
  }
  return out;
}

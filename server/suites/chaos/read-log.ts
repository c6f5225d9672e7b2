import type { BrookHttp } from '@/server/client/http';
import type { LogRecord, PartitionBounds } from './checker';

const PAGE = 5_000;

/** Every record of every partition, read through the API from offset 0, with each partition's bounds. */
export async function readLog(
  http: BrookHttp,
  topic: string,
  partitions: number,
): Promise<{ log: LogRecord[]; bounds: PartitionBounds[] }> {
  const log: LogRecord[] = [];
  const bounds: PartitionBounds[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    let offset = 0;
    let logStartOffset = 0;
    let highWatermark = 0;
    for (let first = true; ; first = false) {
      const page = await http.query('records.fetch', {
        topic,
        partition,
        offset,
        maxRecords: PAGE,
        maxBytes: 32 << 20,
        encoding: 'base64',
      });
      if (first) logStartOffset = page.logStartOffset;
      highWatermark = page.highWatermark;
      for (const r of page.records) log.push({ partition, offset: r.offset, key: text(r.key), value: text(r.value) });
      // An empty page below the high watermark would be a hole the fetch cannot get past: the checker counts it.
      if (page.records.length === 0) break;
      offset = page.records[page.records.length - 1].offset + 1;
      if (offset >= page.highWatermark) break;
    }
    bounds.push({ partition, logStartOffset, highWatermark });
  }
  return { log, bounds };
}

const text = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, 'base64').toString('utf8'));

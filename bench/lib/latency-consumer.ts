import { openDatabase } from '@/db/client';
import { createBroker } from '@/server/broker';
import { childData } from './child';

/**
 * The fetching side of the delivery-latency scenario, as another Brook process: its own engine and
 * pool, so its work does not share an event loop with the producer. Reports, per record, the absolute
 * time it was delivered.
 */
const { url, topic, total } = childData<{ url: string; topic: string; total: number }>();
const db = await openDatabase({ url, poolSize: 4 });
const consumer = createBroker(db);
await consumer.start();
process.send!({ ready: true });
const decoder = new TextDecoder();
const delivered = new Float64Array(total);
let offset = 0;
while (offset < total) {
  const { records } = await consumer.fetch({ topic, partition: 0, offset, maxRecords: 1000, maxWaitMs: 5000 });
  const now = performance.timeOrigin + performance.now();
  for (const r of records) delivered[Number(decoder.decode(r.value!))] = now;
  if (records.length) offset = records[records.length - 1].offset + 1;
}
await consumer.close();
await db.close();
process.send!({ delivered }, () => process.exit(0));

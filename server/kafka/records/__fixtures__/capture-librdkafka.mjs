// Captures record batches exactly as librdkafka (kcat) writes them, one fixture per codec.
// Run once from the repository root: node server/kafka/records/__fixtures__/capture-librdkafka.mjs
// It starts the reference broker (librdkafka's mock cluster), puts a TCP proxy in front of it that
// rewrites the broker port in Metadata responses to its own (so kcat keeps talking through it), and
// saves the `records` field of the first Produce request (v3-v8, non-flexible) as kcat-<codec>.bin.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const broker = spawn('/usr/bin/python3', ['/work/shared/tools/kafka-reference-broker.py', '--seconds', '120']);
const bootstrap = await new Promise((resolve, reject) => {
  broker.stdout.on('data', (d) => {
    const m = /BOOTSTRAP=(\S+)/.exec(String(d));
    if (m) resolve(m[1]);
  });
  broker.on('exit', () => reject(new Error('reference broker exited')));
});
const [host, port] = bootstrap.split(':');
const brokerPort = Number(port);

/** Splits a stream into size-prefixed frames. */
function framer(onFrame) {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const len = pending.readInt32BE(0);
      onFrame(pending.subarray(0, 4 + len));
      pending = pending.subarray(4 + len);
    }
  };
}

let captured = null;
function readProduceRecords(frame) {
  let p = 4;
  const apiKey = frame.readInt16BE(p);
  const version = frame.readInt16BE(p + 2);
  if (apiKey !== 0 || version < 3 || version > 8) return;
  p += 8;
  p += 2 + Math.max(0, frame.readInt16BE(p)); // client id
  p += 2 + Math.max(0, frame.readInt16BE(p)); // transactional id
  p += 2 + 4; // acks, timeout
  p += 4; // topic count (1)
  p += 2 + frame.readInt16BE(p); // topic name
  p += 4 + 4; // partition count (1), partition index
  const len = frame.readInt32BE(p);
  captured ??= Buffer.from(frame.subarray(p + 4, p + 4 + len));
}

const proxy = net.createServer((client) => {
  const upstream = net.connect(brokerPort, host);
  const hostBytes = Buffer.concat([Buffer.from([0, host.length]), Buffer.from(host)]);
  client.on(
    'data',
    framer((f) => {
      readProduceRecords(f);
      upstream.write(f);
    }),
  );
  upstream.on(
    'data',
    framer((f) => {
      // Metadata: [int16 len]"127.0.0.1"[int32 port]: same length, so the frame needs no re-sizing.
      for (let at = f.indexOf(hostBytes); at >= 0; at = f.indexOf(hostBytes, at + 1)) {
        const portAt = at + hostBytes.length;
        if (f.readInt32BE(portAt) === brokerPort) f.writeInt32BE(proxy.address().port, portAt);
      }
      client.write(f);
    }),
  );
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const via = `127.0.0.1:${proxy.address().port}`;

const lines = [];
for (let i = 0; i < 50; i++) lines.push(`key-${i % 7}:value ${i} ${'lorem ipsum '.repeat(i % 5)}`);
for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
  captured = null;
  const topic = `records-${codec}`;
  await new Promise((resolve, reject) => {
    const kcat = spawn('kcat', [
      '-b',
      via,
      '-P',
      '-t',
      topic,
      '-p',
      '0',
      '-z',
      codec,
      '-K',
      ':',
      '-H',
      'trace=abc',
      '-H',
      'empty=',
      '-X',
      'linger.ms=50',
    ]);
    kcat.stdin.end(`${lines.join('\n')}\n`);
    kcat.stderr.pipe(process.stderr);
    kcat.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat ${codec} exited ${code}`))));
  });
  if (!captured) throw new Error(`no Produce request seen for ${codec}`);
  writeFileSync(path.join(here, `kcat-${codec}.bin`), captured);
  console.log(codec, captured.length, 'bytes');
}
console.log(spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout.split('\n')[0]);
proxy.close();
broker.kill();

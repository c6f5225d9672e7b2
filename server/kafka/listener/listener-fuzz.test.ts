import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/server/broker/testing';
import { type KafkaDispatcher, KafkaProtocolError } from './dispatcher';
import { KafkaListener } from './listener';
import { requestId, TestClient, testDispatcher, testRequest } from './testing';

/**
 * Frame fuzzing: 10,000 connections each send a random mix of good frames, frames the dispatcher refuses,
 * frames with no answer, then maybe a truncated, oversized or negative frame or junk, in random pieces, and
 * half-close. Each must end with exactly the answers a model of the listener predicts (a prefix of them when
 * the connection is closed for a bad frame); another connection keeps working and nothing leaks.
 */
const CAP = 4096;
const CASES = 10_000;
const CONCURRENCY = 48;

/** First byte decides: % 4 == 3 (or empty) is malformed, == 1 gets no answer (acks=0), else echoed. */
const fuzzDispatcher: KafkaDispatcher = {
  async handle(frame) {
    if (frame.length === 0 || frame[0] % 4 === 3) throw new KafkaProtocolError('fuzz: malformed');
    return frame[0] % 4 === 1 ? null : frame;
  },
};

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sized = (size: number, body: Buffer) => {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size, 0);
  return Buffer.concat([prefix, body]);
};

function randomCase(rand: () => number): Buffer {
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const parts: Buffer[] = [];
  for (let i = int(6); i > 0; i--) {
    const body = bytes(int(4) === 0 ? int(CAP + 1) : int(64));
    if (body.length > 0 && int(3) > 0) body[0] = body[0] & ~3; // mostly well-formed requests
    parts.push(sized(body.length, body));
  }
  switch (int(6)) {
    case 0: // truncated: a size promising more than follows
      parts.push(sized(1 + int(CAP), bytes(int(16))).subarray(0, 4 + int(16)));
      break;
    case 1: // oversized
      parts.push(sized(CAP + 1 + int(0x7fffffff - CAP - 1), bytes(int(8))));
      break;
    case 2: // negative
      parts.push(sized(-1 - int(0x7fffffff), bytes(int(8))));
      break;
    case 3: // junk
      parts.push(bytes(1 + int(12)));
      break;
  }
  return Buffer.concat(parts);
}

/** What the listener must answer: every whole good frame in order; `closes` if a bad one ends it early. */
function model(input: Buffer): { answers: Buffer[]; closes: boolean } {
  const answers: Buffer[] = [];
  let at = 0;
  while (at + 4 <= input.length) {
    const size = input.readInt32BE(at);
    if (size < 0 || size > CAP) return { answers, closes: true };
    if (at + 4 + size > input.length) break;
    const body = input.subarray(at + 4, at + 4 + size);
    at += 4 + size;
    if (body.length === 0 || body[0] % 4 === 3) return { answers, closes: true };
    if (body[0] % 4 !== 1) answers.push(body);
  }
  return { answers, closes: false };
}

/** Sends `input` in random pieces, half-closes, and collects everything until the server closes. */
function runCase(port: number, input: Buffer, rand: () => number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      let at = 0;
      while (at < input.length) {
        const n = 1 + Math.floor(rand() * Math.min(input.length - at, 2048));
        socket.write(input.subarray(at, at + n));
        at += n;
      }
      socket.end();
    });
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => resolve(Buffer.concat(received)));
  });
}

function frames(output: Buffer): { answers: Buffer[]; partial: boolean } {
  const answers: Buffer[] = [];
  let at = 0;
  while (at + 4 <= output.length && at + 4 + output.readInt32BE(at) <= output.length) {
    answers.push(output.subarray(at + 4, at + 4 + output.readInt32BE(at)));
    at += 4 + output.readInt32BE(at);
  }
  return { answers, partial: at !== output.length };
}

describe('Kafka listener frame fuzzing', () => {
  const logged: string[] = [];
  const listener = new KafkaListener({ dispatcher: fuzzDispatcher, maxFrameBytes: CAP, log: (l) => logged.push(l) });
  const sentinel = new KafkaListener({ dispatcher: testDispatcher(), log: () => {} });
  let port = 0;
  beforeAll(async () => {
    port = (await listener.listen('127.0.0.1', 0)).port;
  });
  afterAll(async () => {
    await listener.stop(1000);
  });

  it(`answers ${CASES} random, truncated, oversized and negative frame sequences as the model says; nothing leaks`, async () => {
    // A long-lived connection on the same listener must keep working throughout: it uses the echo rule.
    const steady = await TestClient.connect(port);
    const rand = mulberry32(12);
    const failures: string[] = [];
    let next = 0;
    let closedEarly = 0;
    const worker = async () => {
      while (next < CASES) {
        const n = next++;
        const input = randomCase(rand);
        const expected = model(input);
        const got = frames(await runCase(port, input, rand));
        if (expected.closes) closedEarly++;
        const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex')).join(',');
        const ok = expected.closes
          ? hex(expected.answers.slice(0, got.answers.length)) === hex(got.answers)
          : !got.partial && hex(expected.answers) === hex(got.answers);
        if (!ok && failures.length < 5) failures.push(`case ${n}: input ${input.subarray(0, 64).toString('hex')}...`);
        if (n % 1000 === 0) {
          const probe = Buffer.from([0x00, n & 0xfc, 1, 2]);
          steady.send(probe);
          expect((await steady.next()).equals(probe)).toBe(true);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);
    expect(closedEarly).toBeGreaterThan(CASES / 3); // the fuzz did exercise bad frames
    // One line per bad connection, but rate-limited: a flood cannot fill the log.
    expect(logged.length).toBeLessThanOrEqual(10);
    expect(logged.length).toBeGreaterThan(0);
    steady.close();
    await until(() => listener.connectionCount === 0, 'every fuzz connection closed on the server');

    // The process is healthy: another listener still answers.
    const sport = (await sentinel.listen('127.0.0.1', 0)).port;
    const c = await TestClient.connect(sport);
    c.send(testRequest('E', 9));
    expect(requestId(await c.next())).toBe(9);
    c.close();
    await sentinel.stop(1000);
  });
});

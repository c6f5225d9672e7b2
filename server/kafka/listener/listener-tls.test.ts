import type tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/server/broker/testing';
import { makeTestCertificate, type TestCertificate } from '@/server/serve/test-certificate';
import { KafkaListener } from './listener';
import { requestId, TestClient, testDispatcher, testRequest } from './testing';

/** The listener over TLS (BROOK_TLS_CERT/KEY): the same frames, and clients without TLS or trust refused cleanly. */
describe('Kafka listener over TLS', () => {
  let cert: TestCertificate;
  let other: TestCertificate;
  const dispatcher = testDispatcher();
  const logged: string[] = [];
  let listener: KafkaListener;
  let port = 0;
  const clients: TestClient[] = [];
  const connect = async (ca = cert.ca) => {
    const c = await TestClient.connectTls(port, { ca });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    cert = makeTestCertificate();
    other = makeTestCertificate();
    listener = new KafkaListener({ dispatcher, tls: { cert: cert.cert, key: cert.key }, log: (l) => logged.push(l) });
    port = (await listener.listen('127.0.0.1', 0)).port;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await listener?.stop(1000);
    cert?.remove();
    other?.remove();
  });

  it('answers frames in order over TLS, the certificate checked for 127.0.0.1', async () => {
    expect(listener.tls).toBe(true);
    const c = await connect();
    expect((c.socket as tls.TLSSocket).authorized).toBe(true);
    c.send(testRequest('D', 1, 80));
    c.send(testRequest('E', 2, 0, 100_000)); // several TLS records
    c.send(testRequest('N', 3));
    c.send(testRequest('E', 4));
    expect(requestId(await c.next())).toBe(1);
    const big = await c.next();
    expect(requestId(big)).toBe(2);
    expect(big.length).toBe(9 + 100_000);
    expect(requestId(await c.next())).toBe(4);
  });

  it('a client that ends its side still gets its answers (half-open over TLS)', async () => {
    const c = await connect();
    c.send(testRequest('D', 7, 100));
    c.socket.end();
    expect(requestId(await c.next())).toBe(7);
    await c.closed;
  });

  it('a plaintext Kafka client: the connection is closed, one log line, nothing dispatched; TLS clients still served', async () => {
    const before = dispatcher.handled;
    const lines = logged.length;
    const plain = await TestClient.connect(port);
    clients.push(plain);
    plain.send(testRequest('E', 1));
    await plain.closed;
    expect(plain.pending).toBe(0);
    await until(() => logged.length > lines, 'the log line');
    expect(logged.at(-1)).toMatch(
      /^\[kafka\] TLS handshake failed from 127\.0\.0\.1: not a TLS client \(set security\.protocol=SSL or SASL_SSL\)$/,
    );
    expect(dispatcher.handled).toBe(before);
    const c = await connect();
    c.send(testRequest('E', 9));
    expect(requestId(await c.next())).toBe(9);
  });

  it('a client that does not trust the certificate fails its handshake; the listener goes on', async () => {
    await expect(connect(other.ca)).rejects.toThrow(/certificate/);
    await until(() => listener.connectionCount === 0, 'no connection kept');
    const c = await connect();
    c.send(testRequest('E', 5));
    expect(requestId(await c.next())).toBe(5);
  });

  it('setCertificate: new connections get the new certificate, open ones keep theirs', async () => {
    const old = await connect();
    listener.setCertificate({ cert: other.cert, key: other.key });
    try {
      const renewed = await connect(other.ca);
      expect((renewed.socket as tls.TLSSocket).getPeerCertificate().fingerprint256).not.toBe(
        (old.socket as tls.TLSSocket).getPeerCertificate().fingerprint256,
      );
      renewed.send(testRequest('E', 1));
      old.send(testRequest('E', 2));
      expect(requestId(await renewed.next())).toBe(1);
      expect(requestId(await old.next())).toBe(2);
      await expect(connect(cert.ca)).rejects.toThrow(/certificate/);
    } finally {
      listener.setCertificate({ cert: cert.cert, key: cert.key });
    }
  });

  it('a connection that never finishes its handshake (sends nothing, or half a hello) is closed after handshakeMs', async () => {
    const lines: string[] = [];
    const own = new KafkaListener({
      dispatcher: testDispatcher(),
      tls: { cert: cert.cert, key: cert.key, handshakeMs: 300 },
      log: (l) => lines.push(l),
    });
    const p = (await own.listen('127.0.0.1', 0)).port;
    try {
      const silent = await TestClient.connect(p);
      const half = await TestClient.connect(p);
      half.socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a TLS record header and one byte of its 512
      await Promise.all([silent.closed, half.closed]);
      await until(() => lines.length === 2, 'two log lines');
      expect(lines).toEqual(Array(2).fill('[kafka] TLS handshake failed from 127.0.0.1: no handshake within 300 ms'));
      expect(own.connectionCount).toBe(0);
    } finally {
      await own.stop(1000);
    }
  });

  it('stop ends TLS connections cleanly after their answers', async () => {
    const own = new KafkaListener({ dispatcher: testDispatcher(), tls: { cert: cert.cert, key: cert.key }, log: () => {} });
    const p = (await own.listen('127.0.0.1', 0)).port;
    const c = await TestClient.connectTls(p, { ca: cert.ca });
    c.send(testRequest('L', 1));
    await until(() => own.connectionCount === 1, 'accepted');
    expect(await own.stop(2000)).toBe(0);
    expect(requestId(await c.next())).toBe(1);
    await c.closed;
  });
});

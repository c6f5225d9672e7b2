import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { compressFrameSync, compressSync as lz4Block } from 'lz4-napi';
import { compressSync as snappyRaw } from 'snappy';
import { describe, expect, it } from 'vitest';
import { isBrokerError, type KafkaErrorName } from '@/server/broker/errors';
import { compress, decompress } from './compression';

const MiB = 1 << 20;
const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `record ${i} lorem ipsum; `).join('')).subarray(0, n);
const random = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24));

function kafkaError(f: () => unknown): KafkaErrorName | 'none' | 'other' {
  try {
    f();
    return 'none';
  } catch (err) {
    return isBrokerError(err) ? err.kafkaName : 'other';
  }
}

/** A hand-written LZ4 frame: magic, FLG, BD (64 KiB blocks), optional content size, HC, blocks, end mark. */
function lz4Frame(
  blocks: { data: Buffer; raw?: boolean }[],
  opts: { independent?: boolean; contentSize?: number; blockChecksum?: boolean } = {},
) {
  const flg =
    0x40 | (opts.independent === false ? 0 : 0x20) | (opts.blockChecksum ? 0x10 : 0) | (opts.contentSize !== undefined ? 0x08 : 0);
  const parts: Buffer[] = [Buffer.from([0x04, 0x22, 0x4d, 0x18, flg, 0x40])];
  if (opts.contentSize !== undefined) {
    const cs = Buffer.alloc(8);
    cs.writeUInt32LE(opts.contentSize, 0);
    parts.push(cs);
  }
  parts.push(Buffer.from([0])); // header checksum (not checked: the batch CRC covers it)
  for (const b of blocks) {
    const size = Buffer.alloc(4);
    size.writeUInt32LE((b.data.length | (b.raw ? 0x80000000 : 0)) >>> 0);
    parts.push(size, b.data);
    if (opts.blockChecksum) parts.push(Buffer.alloc(4));
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

/** A raw lz4 block from lz4-napi (which prepends a 4-byte size). */
const lz4Raw = (data: Buffer, dict?: Buffer) => (dict ? lz4Block(data, dict) : lz4Block(data)).subarray(4);

/** A zstd frame of RLE blocks (no compressor is installed; RLE blocks are the simplest valid content). */
function zstdRleFrame(blocks: { byte: number; size: number }[], windowLog = 20) {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3])];
  blocks.forEach((b, i) => {
    const last = i === blocks.length - 1 ? 1 : 0;
    const h = last | (1 << 1) | (b.size << 3);
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, b.byte]));
  });
  return Buffer.concat(parts);
}

describe('compression codecs', () => {
  const inputs = { empty: Buffer.alloc(0), small: text(100), text: text(300_000), random: random(100_000) };

  it.each(['gzip', 'snappy', 'lz4'] as const)('%s round-trips', (codec) => {
    for (const [name, data] of Object.entries(inputs)) {
      expect(decompress(codec, compress(codec, data), MiB).equals(data), name).toBe(true);
    }
  });

  it('snappy: raw blocks (kafkajs, librdkafka) and xerial framing (Java) in 32 KiB chunks', () => {
    const data = inputs.text;
    expect(decompress('snappy', snappyRaw(data), MiB).equals(data)).toBe(true);
    const framed = compress('snappy', data);
    expect(framed.subarray(0, 8)).toEqual(Buffer.from('\x82SNAPPY\x00', 'latin1'));
    expect(framed.readUInt32BE(8)).toBe(1);
    expect(decompress('snappy', framed, MiB).equals(data)).toBe(true);
    // A frame with no chunks is empty content.
    expect(decompress('snappy', framed.subarray(0, 16), MiB).length).toBe(0);
  });

  it('lz4: frames with block checksums, content checksum, content size, uncompressed and linked blocks', () => {
    const data = inputs.text;
    expect(decompress('lz4', compressFrameSync(data, { blockChecksums: true, contentChecksum: true }), MiB).equals(data)).toBe(true);
    const a = text(70_000).subarray(0, 65536);
    const b = Buffer.concat([a.subarray(100, 30_100), Buffer.from('tail')]);
    expect(decompress('lz4', lz4Frame([{ data: lz4Raw(a) }, { data: b, raw: true }], { contentSize: a.length + b.length }), MiB)).toEqual(
      Buffer.concat([a, b]),
    );
    expect(decompress('lz4', lz4Frame([{ data: lz4Raw(a) }], { blockChecksum: true }), MiB)).toEqual(a);
    // Linked blocks: the second refers back into the first (a dictionary of the previous 64 KiB).
    const linked = lz4Frame([{ data: lz4Raw(a) }, { data: lz4Raw(b, a) }], { independent: false });
    expect(linked.length).toBeLessThan(lz4Frame([{ data: lz4Raw(a) }, { data: lz4Raw(b) }]).length);
    expect(decompress('lz4', linked, MiB)).toEqual(Buffer.concat([a, b]));
    // A content size that disagrees with the blocks is corrupt.
    expect(kafkaError(() => decompress('lz4', lz4Frame([{ data: lz4Raw(a) }], { contentSize: 5 }), MiB))).toBe('CORRUPT_MESSAGE');
  });

  it('zstd: frames written by librdkafka and RLE frames decode', () => {
    const fixture = readFileSync(path.join(import.meta.dirname, '__fixtures__/kcat-zstd.bin'));
    expect(decompress('zstd', fixture.subarray(61), MiB).toString()).toContain('value 49 lorem ipsum');
    expect(
      decompress(
        'zstd',
        zstdRleFrame([
          { byte: 0x61, size: 1000 },
          { byte: 0x62, size: 3 },
        ]),
        MiB,
      ).toString(),
    ).toBe(`${'a'.repeat(1000)}bbb`);
  });

  describe('decompression bombs fail with MESSAGE_TOO_LARGE within the cap', () => {
    const zeros = Buffer.alloc(64 * MiB);
    it('gzip', () => {
      const bomb = gzipSync(zeros);
      expect(bomb.length).toBeLessThan(100_000);
      expect(kafkaError(() => decompress('gzip', bomb, MiB))).toBe('MESSAGE_TOO_LARGE');
      expect(kafkaError(() => decompress('gzip', gzipSync(Buffer.alloc(MiB)), MiB))).toBe('none');
      expect(kafkaError(() => decompress('gzip', gzipSync(Buffer.alloc(MiB + 1)), MiB))).toBe('MESSAGE_TOO_LARGE');
    });
    it('snappy raw and xerial', () => {
      expect(kafkaError(() => decompress('snappy', snappyRaw(Buffer.alloc(2 * MiB)), MiB))).toBe('MESSAGE_TOO_LARGE');
      // A header that claims 4 GiB is refused before anything is allocated.
      expect(kafkaError(() => decompress('snappy', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0]), MiB))).toBe('MESSAGE_TOO_LARGE');
      expect(kafkaError(() => decompress('snappy', compress('snappy', Buffer.alloc(2 * MiB)), MiB))).toBe('MESSAGE_TOO_LARGE');
      expect(kafkaError(() => decompress('snappy', compress('snappy', Buffer.alloc(MiB)), MiB))).toBe('none');
    });
    it('lz4', () => {
      const bomb = compressFrameSync(zeros);
      expect(bomb.length).toBeLessThan(300_000);
      expect(kafkaError(() => decompress('lz4', bomb, MiB))).toBe('MESSAGE_TOO_LARGE');
      expect(kafkaError(() => decompress('lz4', compressFrameSync(Buffer.alloc(MiB)), MiB))).toBe('none');
      expect(kafkaError(() => decompress('lz4', compressFrameSync(Buffer.alloc(MiB + 1)), MiB))).toBe('MESSAGE_TOO_LARGE');
      expect(kafkaError(() => decompress('lz4', lz4Frame([], { contentSize: 2 ** 31 }), MiB))).toBe('MESSAGE_TOO_LARGE');
    });
    it('zstd', () => {
      const blocks = Array.from({ length: 512 }, () => ({ byte: 0, size: 128 * 1024 })); // 64 MiB from 2 KiB
      expect(kafkaError(() => decompress('zstd', zstdRleFrame(blocks), MiB))).toBe('MESSAGE_TOO_LARGE');
      expect(kafkaError(() => decompress('zstd', zstdRleFrame(blocks.slice(0, 8)), MiB))).toBe('none');
      expect(kafkaError(() => decompress('zstd', zstdRleFrame(blocks.slice(0, 9)), MiB))).toBe('MESSAGE_TOO_LARGE');
      // A frame declaring a 2 GiB window (fzstd would allocate it) is refused from its header.
      expect(kafkaError(() => decompress('zstd', zstdRleFrame([{ byte: 0, size: 1 }], 31), MiB))).toBe('MESSAGE_TOO_LARGE');
    });
  });

  it('garbage is CORRUPT_MESSAGE for every codec', () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      for (const junk of [
        Buffer.from('not compressed at all'),
        Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60]),
        Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00]),
      ]) {
        expect(
          kafkaError(() => decompress(codec, junk, MiB)),
          `${codec} ${junk.toString('hex')}`,
        ).toBe('CORRUPT_MESSAGE');
      }
    }
  });
});

import { gunzipSync, gzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { compressFrameSync as lz4CompressFrame, uncompressSync as lz4UncompressBlock } from 'lz4-napi';
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy';
import { BrokerError } from '@/server/broker/errors';

/**
 * The codecs of a record batch's attributes (bits 0-2). Decompression is capped at `maxBytes`: every
 * codec's output size is known or bounded from its framing before anything that size is allocated, so a
 * decompression bomb fails with MESSAGE_TOO_LARGE having allocated at most about `maxBytes`:
 *  - gzip: zlib stops at `maxOutputLength`;
 *  - snappy: each raw block starts with its uncompressed length (xerial chunks are summed first);
 *  - lz4: the frame is walked block by block and each block decoded into at most min(block max, what
 *    is left of the cap);
 *  - zstd: the frames and block headers are walked first; each compressed block regenerates at most
 *    min(window, 128 KiB). fzstd allocates a frame's window (or declared content size) up front, so
 *    the windows of all frames together may not exceed `maxBytes` + 8 MiB (zstd's level 19 window).
 */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export const COMPRESSION_CODES: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const BY_CODE: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function compressionFromAttributes(attributes: number): Compression {
  const c = BY_CODE[attributes & 0x07];
  if (!c) throw corrupt(`unknown compression codec ${attributes & 0x07}`);
  return c;
}

const corrupt = (what: string, cause?: unknown) => new BrokerError('CORRUPT_MESSAGE', `Corrupt record batch: ${what}.`, { cause });
const tooLarge = (codec: Compression, maxBytes: number) =>
  new BrokerError('MESSAGE_TOO_LARGE', `The ${codec} records of a batch decompress to more than ${maxBytes} bytes.`);

export function decompress(codec: Compression, data: Uint8Array, maxBytes: number): Buffer {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  switch (codec) {
    case 'none':
      return buf;
    case 'gzip':
      return gunzip(buf, maxBytes);
    case 'snappy':
      return buf.length >= 16 && buf.subarray(0, 8).equals(XERIAL_MAGIC) ? xerialUncompress(buf, maxBytes) : snappyBlock(buf, maxBytes);
    case 'lz4':
      return lz4Frames(buf, maxBytes);
    case 'zstd':
      return zstd(buf, maxBytes);
  }
}

/** For tests and a future compressed fetch path. Snappy is xerial-framed as Java's producer writes it. */
export function compress(codec: Exclude<Compression, 'zstd'>, data: Uint8Array, opts: { snappyFraming?: 'xerial' | 'raw' } = {}): Buffer {
  switch (codec) {
    case 'none':
      return Buffer.from(data);
    case 'gzip':
      return gzipSync(data);
    case 'snappy':
      return opts.snappyFraming === 'raw' ? snappyCompress(data) : xerialCompress(data);
    case 'lz4':
      return lz4CompressFrame(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
}

// --- gzip ---------------------------------------------------------------------------------------------

function gunzip(buf: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(buf, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('gzip', maxBytes);
    throw corrupt('bad gzip data', err);
  }
}

// --- snappy -------------------------------------------------------------------------------------------

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]); // \x82SNAPPY\0
const XERIAL_BLOCK = 32 * 1024; // what xerial's SnappyOutputStream uses

/** A raw snappy block begins with its uncompressed length, an unsigned LEB128 of at most 32 bits. */
function snappyLength(buf: Uint8Array): number {
  let v = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= buf.length) throw corrupt('snappy length runs past its end');
    const b = buf[i];
    v += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return v;
  }
  throw corrupt('snappy length longer than 32 bits');
}

function snappyBlock(buf: Buffer, maxBytes: number): Buffer {
  if (snappyLength(buf) > maxBytes) throw tooLarge('snappy', maxBytes);
  try {
    return snappyUncompress(buf) as Buffer;
  } catch (err) {
    throw corrupt('bad snappy data', err);
  }
}

/** Xerial framing: magic, version and compatible version (int32 each), then [int32 length][raw block]. */
function xerialUncompress(buf: Buffer, maxBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let total = 0;
  let pos = 16;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) throw corrupt('xerial snappy chunk length runs past its end');
    const len = buf.readUInt32BE(pos);
    pos += 4;
    if (len > buf.length - pos) throw corrupt('xerial snappy chunk runs past its end');
    const block = buf.subarray(pos, pos + len);
    pos += len;
    total += snappyLength(block);
    if (total > maxBytes) throw tooLarge('snappy', maxBytes);
    blocks.push(block);
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const block of blocks) at += snappyBlock(block, maxBytes).copy(out, at);
  if (at !== total) throw corrupt('snappy block length differs from its header');
  return out;
}

function xerialCompress(data: Uint8Array): Buffer {
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK) {
    const block = snappyCompress(data.subarray(at, at + XERIAL_BLOCK));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(block.length);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

// --- lz4 frame ----------------------------------------------------------------------------------------

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];
const LZ4_DICT = 64 << 10; // linked blocks may refer back this far

function lz4Frames(buf: Buffer, maxBytes: number): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw corrupt('lz4 frame runs past its end');
  };
  while (pos < buf.length) {
    need(4);
    const magic = buf.readUInt32LE(pos);
    pos += 4;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // A skippable frame: its length, then that many bytes.
      need(4);
      const len = buf.readUInt32LE(pos);
      pos += 4;
      need(len);
      pos += len;
      continue;
    }
    if (magic !== LZ4_MAGIC) throw corrupt('not an lz4 frame');
    need(3);
    const flg = buf[pos];
    const bd = buf[pos + 1];
    pos += 2;
    if (flg >> 6 !== 1) throw corrupt('unsupported lz4 frame version');
    const independent = (flg & 0x20) !== 0;
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    if (flg & 0x01) throw corrupt('lz4 dictionaries are not supported');
    const blockMax = LZ4_BLOCK_MAX[(bd >> 4) & 7];
    if (!blockMax) throw corrupt('bad lz4 block size');
    let contentSize = -1;
    if (hasContentSize) {
      need(8);
      contentSize = buf.readUInt32LE(pos + 4) * 2 ** 32 + buf.readUInt32LE(pos);
      if (contentSize > maxBytes - total) throw tooLarge('lz4', maxBytes);
      pos += 8;
    }
    need(1);
    pos += 1; // header checksum: the batch CRC already covers these bytes
    const frameStart = total;
    for (;;) {
      need(4);
      const word = buf.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw corrupt('lz4 block larger than its frame allows');
      need(size + (blockChecksum ? 4 : 0));
      const block = buf.subarray(pos, pos + size);
      pos += size + (blockChecksum ? 4 : 0);
      const room = maxBytes - total;
      let plain: Buffer;
      if (word & 0x80000000) {
        if (size > room) throw tooLarge('lz4', maxBytes);
        plain = block;
      } else {
        if (room <= 0) throw tooLarge('lz4', maxBytes);
        plain = lz4Block(block, Math.min(blockMax, room), independent ? null : lz4History(out), room < blockMax, maxBytes);
      }
      out.push(plain);
      total += plain.length;
    }
    if (contentChecksum) {
      need(4);
      pos += 4;
    }
    if (contentSize >= 0 && total - frameStart !== contentSize) throw corrupt('lz4 frame content size differs from its blocks');
  }
  return out.length === 1 ? Buffer.from(out[0]) : Buffer.concat(out, total);
}

function lz4Block(block: Buffer, limit: number, dict: Buffer | null, capped: boolean, maxBytes: number): Buffer {
  // lz4-napi decodes size-prepended blocks: the prefix is the output it may allocate and fill.
  const input = Buffer.allocUnsafe(4 + block.length);
  input.writeUInt32LE(limit, 0);
  block.copy(input, 4);
  try {
    return dict ? lz4UncompressBlock(input, dict) : lz4UncompressBlock(input);
  } catch (err) {
    if (capped && /too small/.test(String((err as Error).message))) throw tooLarge('lz4', maxBytes);
    throw corrupt('bad lz4 block', err);
  }
}

/** The last 64 KiB of output, the window a linked (dependent) block may copy from. */
function lz4History(out: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let len = 0;
  for (let i = out.length - 1; i >= 0 && len < LZ4_DICT; i--) {
    parts.unshift(out[i]);
    len += out[i].length;
  }
  const all = Buffer.concat(parts, len);
  return all.length > LZ4_DICT ? all.subarray(all.length - LZ4_DICT) : all;
}

// --- zstd ---------------------------------------------------------------------------------------------

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_BLOCK_MAX = 128 << 10;
const ZSTD_WINDOW_ALLOWANCE = 8 << 20;

/** Walks the frames and block headers (cheap) for an upper bound of the output before decoding. */
function zstd(buf: Buffer, maxBytes: number): Buffer {
  let bound = 0;
  let windows = 0;
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw corrupt('zstd frame runs past its end');
  };
  while (pos < buf.length) {
    need(4);
    const magic = buf.readUInt32LE(pos);
    pos += 4;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      need(4);
      const len = buf.readUInt32LE(pos);
      pos += 4;
      need(len);
      pos += len;
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw corrupt('not a zstd frame');
    need(1);
    const fhd = buf[pos++];
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd & 0x20) !== 0;
    const checksum = (fhd & 0x04) !== 0;
    if (fhd & 0x08) throw corrupt('zstd reserved bit set');
    if (fhd & 0x03) throw corrupt('zstd dictionaries are not supported');
    let window = 0;
    if (!singleSegment) {
      need(1);
      const wd = buf[pos++];
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
    let contentSize = -1;
    if (fcsBytes > 0) {
      need(fcsBytes);
      if (fcsBytes === 1) contentSize = buf[pos];
      else if (fcsBytes === 2) contentSize = buf.readUInt16LE(pos) + 256;
      else if (fcsBytes === 4) contentSize = buf.readUInt32LE(pos);
      else contentSize = buf.readUInt32LE(pos + 4) * 2 ** 32 + buf.readUInt32LE(pos);
      pos += fcsBytes;
      if (contentSize > maxBytes) throw tooLarge('zstd', maxBytes);
    }
    if (singleSegment) window = contentSize;
    windows += contentSize >= 0 ? Math.min(window, contentSize) : window;
    if (windows > maxBytes + ZSTD_WINDOW_ALLOWANCE) throw tooLarge('zstd', maxBytes);
    const blockMax = Math.min(window, ZSTD_BLOCK_MAX);
    let frameBound = 0;
    for (let last = false; !last; ) {
      need(3);
      const h = buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16);
      pos += 3;
      last = (h & 1) === 1;
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) throw corrupt('zstd reserved block type');
      if (size > ZSTD_BLOCK_MAX) throw corrupt('zstd block larger than 128 KiB');
      need(type === 1 ? 1 : size);
      pos += type === 1 ? 1 : size;
      frameBound += type === 2 ? blockMax : size;
    }
    if (checksum) {
      need(4);
      pos += 4;
    }
    bound += contentSize >= 0 ? Math.min(contentSize, frameBound) : frameBound;
    if (bound > maxBytes) throw tooLarge('zstd', maxBytes);
  }
  let out: Uint8Array;
  try {
    out = zstdDecompress(buf);
  } catch (err) {
    throw corrupt('bad zstd data', err);
  }
  if (out.length > maxBytes) throw tooLarge('zstd', maxBytes);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

// Helpers the generated codecs call (see codegen/generate.ts): arrays, tagged fields, version checks and
// defaults. Element readers and writers are module-level functions, so a hot loop allocates no closures.

import { KafkaProtocolError, type Reader } from './reader';
import type { Writer } from './writer';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

export type ElementReader<T> = (r: Reader, version: number) => T;
export type ElementWriter<T> = (w: Writer, version: number, value: T) => void;

export function readArray<T>(r: Reader, version: number, compact: boolean, read: ElementReader<T>): T[] {
  const n = r.arrayLength(compact, false);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(read(r, version));
  return out;
}

export function readNullableArray<T>(r: Reader, version: number, compact: boolean, read: ElementReader<T>): T[] | null {
  const n = r.arrayLength(compact, true);
  if (n < 0) return null;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(read(r, version));
  return out;
}

export function writeArray<T>(w: Writer, version: number, compact: boolean, values: readonly T[] | null, write: ElementWriter<T>): void {
  w.arrayLength(compact, values);
  if (values === null) return;
  for (let i = 0; i < values.length; i++) write(w, version, values[i]);
}

/** A non-nullable array in this version: null is refused rather than sent as an empty array. */
export function writeNonNullArray<T>(
  w: Writer,
  version: number,
  compact: boolean,
  values: readonly T[] | null,
  write: ElementWriter<T>,
  field: string,
): void {
  writeArray(w, version, compact, nonNull(values, field, version), write);
}

export const readInt8: ElementReader<number> = (r) => r.int8();
export const readInt16: ElementReader<number> = (r) => r.int16();
export const readInt32: ElementReader<number> = (r) => r.int32();
export const readInt64: ElementReader<bigint> = (r) => r.int64();
export const readUuid: ElementReader<string> = (r) => r.uuid();
export const readString: ElementReader<string> = (r) => r.string();
export const readCompactString: ElementReader<string> = (r) => r.compactString();
export const writeInt8: ElementWriter<number> = (w, _v, x) => w.int8(x);
export const writeInt16: ElementWriter<number> = (w, _v, x) => w.int16(x);
export const writeInt32: ElementWriter<number> = (w, _v, x) => w.int32(x);
export const writeInt64: ElementWriter<bigint> = (w, _v, x) => w.int64(x);
export const writeUuid: ElementWriter<string> = (w, _v, x) => w.uuid(x);
export const writeString: ElementWriter<string> = (w, _v, x) => w.string(x);
export const writeCompactString: ElementWriter<string> = (w, _v, x) => w.compactString(x);

/** Reads a tagged field's size and returns where its value ends. */
export function taggedFieldEnd(r: Reader): number {
  const size = r.uvarint();
  if (size > r.remaining) throw new KafkaProtocolError(`tagged field of ${size} bytes exceeds the ${r.remaining} bytes left`);
  return r.offset + size;
}

/** A known tagged field must fill exactly the size it announced. */
export function checkTaggedFieldEnd(r: Reader, end: number, tag: number): void {
  if (r.offset !== end) throw new KafkaProtocolError(`tagged field ${tag} does not fill its declared size`);
}

/** Skips every tagged field of a struct that knows none (the common case). */
export function skipTaggedFields(r: Reader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.offset = taggedFieldEnd(r);
  }
}

export function checkVersion(message: string, version: number, min: number, max: number): void {
  if (!Number.isInteger(version) || version < min || version > max) {
    throw new KafkaProtocolError(`${message} version ${version} is not between ${min} and ${max}`);
  }
}

export function notInVersion(field: string, version: number): KafkaProtocolError {
  return new KafkaProtocolError(`${field} has a non-default value but does not exist in version ${version}`);
}

export function nonNull<T>(value: T | null, field: string, version: number): T {
  if (value === null) throw new KafkaProtocolError(`${field} is not nullable in version ${version}`);
  return value;
}

/**
 * Whether a struct-typed field holds its default (struct defaults hold every field; a value may leave an
 * optional field out, which means its default). Bigints, Buffers and arrays compare by value.
 */
export function isDefaultLike(value: unknown, defaultValue: unknown): boolean {
  if (value === defaultValue || value === undefined) return true;
  if (value === null || defaultValue === null || typeof value !== 'object' || typeof defaultValue !== 'object') return false;
  if (Buffer.isBuffer(value) || Buffer.isBuffer(defaultValue)) {
    return Buffer.isBuffer(value) && Buffer.isBuffer(defaultValue) && value.equals(defaultValue);
  }
  if (Array.isArray(value) || Array.isArray(defaultValue)) {
    if (!Array.isArray(value) || !Array.isArray(defaultValue) || value.length !== defaultValue.length) return false;
    return value.every((x, i) => isDefaultLike(x, defaultValue[i]));
  }
  const v = value as Record<string, unknown>;
  const d = defaultValue as Record<string, unknown>;
  return Object.keys(d).every((k) => isDefaultLike(v[k], d[k]));
}

import { KafkaProtocolError } from './dispatcher';

/**
 * Cuts a TCP byte stream into Kafka frames: an int32 big-endian size, then that many bytes. Chunks are
 * kept as a list and joined once per frame (not once per chunk), so a large frame arriving in many small
 * chunks costs one copy. A negative size or one above the cap throws as soon as the 4 bytes are in, before
 * any of the body is buffered: memory per connection stays below the cap plus one read chunk.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Index of the first chunk not yet consumed. */
  private head = 0;
  private buffered = 0;
  /** Size of the frame being assembled, once its prefix is read. */
  private expected = -1;

  constructor(private maxFrameBytes: number) {}

  /** A new cap for frames whose prefix is not read yet (raised once a connection has authenticated). */
  setMaxFrameBytes(max: number): void {
    this.maxFrameBytes = max;
  }

  /** Bytes held that are not yet a whole frame (or whole frames not yet taken). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The declared size of the frame being read, once its prefix is in (null before): the caller reserves
   * that many bytes before it reads the body. Throws for a negative size or one above the cap.
   */
  nextSize(): number | null {
    if (this.expected < 0) {
      if (this.buffered < 4) return null;
      const size = this.take(4).readInt32BE(0);
      if (size < 0) throw new KafkaProtocolError(`negative frame size ${size}`);
      if (size > this.maxFrameBytes) throw new KafkaProtocolError(`frame of ${size} bytes is above the limit of ${this.maxFrameBytes}`);
      this.expected = size;
    }
    return this.expected;
  }

  /** The next whole frame (without its size prefix), or null until more bytes arrive. */
  next(): Buffer | null {
    if (this.nextSize() === null || this.buffered < this.expected) return null;
    const frame = this.take(this.expected);
    this.expected = -1;
    return frame;
  }

  /** Removes and returns the first n bytes (n <= buffered); a view into a chunk when it holds them all. */
  private take(n: number): Buffer {
    this.buffered -= n;
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head];
    if (first.length > n) {
      this.chunks[this.head] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = first.length === n ? first : Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[this.head];
      const want = n - at;
      if (c.length <= want) {
        if (out !== c) c.copy(out, at);
        at += c.length;
        this.head++;
      } else {
        c.copy(out, at, 0, want);
        this.chunks[this.head] = c.subarray(want);
        at = n;
      }
    }
    // Consumed chunks are dropped in one go (an index, not shift(): a frame of many small chunks stays linear).
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

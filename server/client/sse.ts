/** One Server-Sent Event as dispatched: its type ("message" unless named), its data, the last event id. */
export interface SseEvent {
  type: string;
  data: string;
  lastEventId: string;
}

const LF = 10;
const CR = 13;

/**
 * An event-stream parser as the HTML specification defines it (9.2.6 "Interpreting an event stream"):
 * lines end with CRLF, LF or CR (a CRLF split across chunks is one ending); a blank line dispatches;
 * `:` starts a comment; one space after the colon is dropped; `data` lines join with "\n"; `id` without
 * NUL sets the last event id; `retry` with digits only sets the reconnection time; an event without
 * data is not dispatched; a leading BOM is skipped. Feed it decoded text (TextDecoder with
 * `stream: true`), in chunks of any size: a large event arriving in many chunks is scanned once.
 */
export class SseParser {
  lastEventId = '';
  /** The server's `retry:` (ms), if it sent one. */
  retryMs: number | undefined;
  /** The unfinished line's pieces (none holds a line ending). */
  private pending: string[] = [];
  private data = '';
  private hasData = false;
  private type = '';
  private eventId: string | undefined;
  private started = false;
  private skipLf = false;

  /** The events the text completes, in order. */
  push(text: string): SseEvent[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLf && text.length > 0) {
      // The previous chunk ended in CR: an LF first in this one belongs to that line ending.
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const events: SseEvent[] = [];
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    if (lf < 0 && cr < 0) {
      // No line ends here: keep the piece and join the pieces once (a large event arrives in many chunks).
      if (text.length > 0) this.pending.push(text);
      return events;
    }
    const s = this.pending.length > 0 ? this.pending.join('') + text : text;
    const shift = s.length - text.length;
    this.pending = [];
    if (lf >= 0) lf += shift;
    if (cr >= 0) cr += shift;
    let start = 0;
    while (lf >= 0 || cr >= 0) {
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      let next = end + 1;
      if (s.charCodeAt(end) === CR) {
        if (end + 1 === s.length) this.skipLf = true;
        else if (s.charCodeAt(end + 1) === LF) next = end + 2;
      }
      const event = this.line(s, start, end);
      if (event) events.push(event);
      start = next;
      if (lf >= 0 && lf < start) lf = s.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = s.indexOf('\r', start);
    }
    if (start < s.length) this.pending.push(s.slice(start));
    return events;
  }

  private line(s: string, start: number, end: number): SseEvent | undefined {
    if (start === end) return this.dispatch();
    if (s.charCodeAt(start) === 58) return undefined; // ':' a comment
    const colon = s.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon < 0 || colon >= end) {
      field = s.slice(start, end);
      value = '';
    } else {
      field = s.slice(start, colon);
      const from = s.charCodeAt(colon + 1) === 32 && colon + 1 < end ? colon + 2 : colon + 1;
      value = s.slice(from, end);
    }
    switch (field) {
      case 'data':
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        break;
      case 'event':
        this.type = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.eventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    if (this.eventId !== undefined) this.lastEventId = this.eventId;
    this.eventId = undefined;
    const type = this.type || 'message';
    this.type = '';
    if (!this.hasData) return undefined;
    const data = this.data;
    this.data = '';
    this.hasData = false;
    return { type, data, lastEventId: this.lastEventId };
  }
}

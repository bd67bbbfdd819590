import { DEFAULT_MAX_COT_BYTES } from './cot.js';

/** One event cut from a stream, or why some bytes were dropped. */
export type Frame = { ok: true; bytes: Buffer } | { ok: false; reason: 'oversize'; message: string };

const END = Buffer.from('</event>');

/**
 * Cuts a TCP or TLS stream of XML CoT (as TAK clients and servers send it: events back to back, each
 * perhaps with its own XML declaration) into one buffer per event, ending at `</event>`. An event longer
 * than `maxBytes` is dropped without being buffered whole: one `oversize` frame is reported and the stream
 * resumes after that event's end. Each event is then parsed (and refused or not) on its own.
 */
export class CotFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Dropping the rest of an oversize event until its `</event>`. */
  private discarding = false;
  private readonly maxBytes: number;

  constructor(options: { maxBytes?: number } = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_COT_BYTES;
  }

  /** Feeds a chunk; returns the events it completed, in order. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    // Where the search for `</event>` starts: bytes searched before cannot hold a whole marker.
    let from = Math.max(0, this.pending.length - (END.length - 1));
    let start = 0;
    for (;;) {
      const end = buf.indexOf(END, from);
      if (end < 0) break;
      const stop = end + END.length;
      if (this.discarding) {
        this.discarding = false;
      } else {
        let s = start;
        while (s < stop && isSpace(buf[s])) s++;
        if (stop - s > this.maxBytes) {
          frames.push(oversize(this.maxBytes));
        } else {
          frames.push({ ok: true, bytes: buf.subarray(s, stop) });
        }
      }
      start = stop;
      from = stop;
    }
    buf = buf.subarray(start);
    if (!this.discarding && buf.length > this.maxBytes) {
      frames.push(oversize(this.maxBytes));
      this.discarding = true;
    }
    // While discarding keep only what could be the start of the marker.
    this.pending = this.discarding
      ? Buffer.from(buf.subarray(Math.max(0, buf.length - (END.length - 1))))
      : Buffer.from(buf);
    return frames;
  }

  /** Bytes held waiting for the end of an event. */
  get buffered(): number {
    return this.pending.length;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function oversize(maxBytes: number): Frame {
  return {
    ok: false,
    reason: 'oversize',
    message: `CoT refused (oversize): an event longer than ${maxBytes} bytes`,
  };
}

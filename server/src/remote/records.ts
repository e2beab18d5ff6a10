// The one output format of the programs nginx-doctor runs on a host (the tail follow script, the
// doctor's scripts): raw bytes interleaved with records "\n" + NONCE + " " + WORDS + "\n", where
// NONCE is 32 random hex digits per run, so content an attacker influences cannot forge a record.
// FrameParser reads it as a stream (tail); parseSections reads a whole output (the doctor), where
// "BEGIN name" ... "END name rc" records enclose a section of raw command output and "BYE" ends it.
import { randomBytes } from 'node:crypto';

export interface FrameSink {
  data(chunk: Buffer): void;
  /** words: the record split on spaces (latin1); text: the record as written (UTF-8). */
  record(words: string[], text: string): void;
}

/** A fresh nonce: 32 hex digits. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Records are "\n" + nonce + " " + words + "\n". Bytes before the first record are noise (a
 * login script that prints something) and dropped. A record split across chunks is held back
 * until complete; so is a tail that could be the start of one.
 */
export class FrameParser {
  private readonly marker: Buffer;
  private buf: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(nonce: string, private readonly sink: FrameSink) {
    this.marker = Buffer.from(`\n${nonce} `, 'latin1');
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const at = this.buf.indexOf(this.marker);
      if (at < 0) {
        // keep what could be the beginning of a marker
        const keep = Math.min(this.buf.length, this.marker.length - 1);
        const cut = this.partialMarkerStart(keep);
        if (cut > 0 && this.started) this.sink.data(this.buf.subarray(0, cut));
        this.buf = Buffer.from(this.buf.subarray(cut));
        return;
      }
      const end = this.buf.indexOf(10, at + this.marker.length);
      if (end < 0) {
        if (at > 0 && this.started) this.sink.data(this.buf.subarray(0, at));
        this.buf = Buffer.from(this.buf.subarray(at));
        if (this.buf.length > 4096) this.buf = Buffer.alloc(0); // not a record after all
        return;
      }
      if (at > 0 && this.started) this.sink.data(this.buf.subarray(0, at));
      const raw = this.buf.subarray(at + this.marker.length, end);
      this.buf = this.buf.subarray(end + 1);
      this.started = true;
      this.emit(raw);
    }
  }

  /** The output ended: a record cut off before its newline still counts; other held-back bytes are data. */
  end(): void {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    if (!b.length) return;
    if (b.subarray(0, this.marker.length).equals(this.marker)) {
      this.started = true;
      this.emit(b.subarray(this.marker.length));
    } else if (this.started) this.sink.data(b);
  }

  private emit(raw: Buffer): void {
    this.sink.record(raw.toString('latin1').split(' ').filter(Boolean), raw.toString('utf8'));
  }

  /** Index where a possible partial marker at the end of buf starts (buf.length if none). */
  private partialMarkerStart(maxLen: number): number {
    const b = this.buf;
    for (let k = Math.min(maxLen, b.length); k > 0; k--) {
      if (b.subarray(b.length - k).equals(this.marker.subarray(0, k))) return b.length - k;
    }
    return b.length;
  }
}

export interface Section {
  text: string;
  rc: number;
}

export interface ScriptOutput {
  /** Sections by name ("nginx-t", "L 3" ...). */
  sections: Map<string, Section>;
  /** Records outside sections, as written ("T 1 0 ", "S 2 0 srwx..."). */
  records: string[];
  /** The script reached its last line ("BYE"). */
  complete: boolean;
}

/** Splits a whole output into sections and records. Section text keeps its bytes except the newline the END record adds. */
export function parseSections(output: Buffer | string, nonce: string): ScriptOutput {
  const out: ScriptOutput = { sections: new Map(), records: [], complete: false };
  let open: { name: string; parts: Buffer[] } | null = null;
  const parser = new FrameParser(nonce, {
    data: (chunk) => {
      if (open) open.parts.push(Buffer.from(chunk));
    },
    record: (_words, text) => {
      if (text.startsWith('BEGIN ')) {
        open = { name: text.slice(6), parts: [] };
      } else if (text.startsWith('END ') && open) {
        const sp = text.lastIndexOf(' ');
        const name = text.slice(4, sp);
        if (name === open.name) out.sections.set(name, { text: Buffer.concat(open.parts).toString('utf8'), rc: Number(text.slice(sp + 1)) || 0 });
        open = null;
      } else if (text === 'BYE') {
        out.complete = true;
      } else if (!open) {
        out.records.push(text);
      }
    },
  });
  parser.push(typeof output === 'string' ? Buffer.from(output, 'utf8') : output);
  parser.end();
  return out;
}

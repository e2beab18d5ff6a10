// Turns the follow script's file bytes (split from its records by ../remote/records.ts) into
// complete lines while keeping the position (inode, offset of the last
// complete line, first bytes) needed to resume after a reconnect with nothing lost or repeated.
import { HEAD_BYTES } from './remote-script';

/** Where reading stands in the followed file. */
export interface Position {
  inode: string;
  /** Offset just after the last complete line handed out. */
  offset: number;
  /** The file's first bytes (up to HEAD_BYTES) as far as known, in hex. */
  head: string;
}

export interface Line {
  text: string;
  bytes: number;
  /** The line was already in the file when following started (a backlog shown first). */
  history?: boolean;
}

/**
 * Bytes to lines. Lines are split on "\n" (a trailing "\r" is dropped), decoded as UTF-8 with
 * replacement characters; a line longer than maxLine bytes is cut (the rest of it skipped).
 * A partial line waits for its end, or is handed out when the file it belongs to is finished.
 */
export class LineAssembler {
  pos: Position | null = null;
  private parts: Buffer[] = [];
  private partLen = 0;
  /** Bytes of the current line beyond maxLine (skipped but counted). */
  private overflow = 0;
  private skipFirst = false;
  /** Lines ending at or before this offset of the first file are history. */
  private historyEnd = -1;

  constructor(private readonly maxLine = 1 << 20) {}

  /** A new file (or the same one, after a resume) starts at `offset`. Returns a leftover line of the previous one. */
  open(inode: string, offset: number, headHex: string, skipFirst: boolean, historyEnd = -1): Line[] {
    const out = this.finish();
    this.historyEnd = historyEnd;
    this.pos = { inode, offset, head: headHex === '-' ? '' : headHex };
    this.skipFirst = skipFirst;
    return out;
  }

  /** The rest of a rotated file follows: keep the position, hand out nothing yet. */
  drain(offset: number): void {
    if (this.pos) this.pos.offset = offset;
    this.parts = [];
    this.partLen = 0;
    this.overflow = 0;
  }

  /** Partial line at the end of a file that is finished (rotated away): hand it out. */
  finish(): Line[] {
    if (!this.partLen && !this.overflow) return [];
    const buf = Buffer.concat(this.parts);
    this.parts = [];
    const consumed = this.partLen + this.overflow;
    this.partLen = 0;
    this.overflow = 0;
    if (this.pos) this.pos.offset += consumed;
    if (this.skipFirst) {
      this.skipFirst = false;
      return [];
    }
    return [toLine(buf)];
  }

  /** Forget the partial line (the connection dropped: it is read again from pos.offset). */
  reset(): void {
    this.parts = [];
    this.partLen = 0;
    this.overflow = 0;
  }

  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      let line: Buffer;
      let consumed: number;
      if (this.partLen || this.overflow) {
        const room = Math.max(0, this.maxLine - this.partLen);
        this.parts.push(piece.subarray(0, room));
        line = Buffer.concat(this.parts);
        consumed = this.partLen + this.overflow + piece.length + 1;
        this.parts = [];
        this.partLen = 0;
        this.overflow = 0;
      } else {
        line = piece.length > this.maxLine ? piece.subarray(0, this.maxLine) : piece;
        consumed = piece.length + 1;
      }
      this.advance(line, consumed);
      if (this.skipFirst) this.skipFirst = false;
      else {
        const l = toLine(line);
        if (this.historyEnd >= 0 && this.pos && this.pos.offset <= this.historyEnd) l.history = true;
        out.push(l);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      const room = this.maxLine - this.partLen;
      if (room > 0) {
        const take = rest.subarray(0, room);
        this.parts.push(Buffer.from(take));
        this.partLen += take.length;
        this.overflow += rest.length - take.length;
      } else this.overflow += rest.length;
    }
    return out;
  }

  /** Moves the offset past a complete line and extends the known head while it is contiguous. */
  private advance(line: Buffer, consumed: number): void {
    const p = this.pos;
    if (!p) return;
    const a = p.offset;
    const known = p.head.length / 2;
    if (known < HEAD_BYTES && a <= known && known < a + consumed) {
      const upto = Math.min(HEAD_BYTES, a + consumed);
      const bytes = Buffer.concat([line, Buffer.from([10])]).subarray(known - a, upto - a);
      // the cut part of an over-long line is not known: stop at what we have
      if (known - a + bytes.length === upto - a) p.head += bytes.toString('hex');
    }
    p.offset += consumed;
  }
}

function toLine(b: Buffer): Line {
  const t = b.length && b[b.length - 1] === 0x0d ? b.subarray(0, b.length - 1) : b;
  return { text: t.toString('utf8'), bytes: t.length };
}

// The output of the programs nginx-doctor runs on a host (the tail follow script, the doctor's
// scripts): raw bytes interleaved with records "\n" + NONCE + " " + WORDS + "\n", where NONCE is
// 32 random hex digits per run, so content an attacker influences cannot forge a record.

export interface FrameSink {
  data(chunk: Buffer): void;
  record(words: string[]): void;
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
      const words = this.buf.toString('latin1', at + this.marker.length, end).split(' ').filter(Boolean);
      this.buf = this.buf.subarray(end + 1);
      this.started = true;
      this.sink.record(words);
    }
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

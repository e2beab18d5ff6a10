// A streaming reader for log files: feed it one physical line at a time, get back finished
// entries. It keeps state only for an error-log entry that may continue on the next lines
// (FastCGI stderr text and Lua tracebacks contain raw newlines; the context ", client: ..."
// then stands at the end of the last line). Error-log and access-log lines may be mixed;
// anything else is garbage: counted, a few samples kept, never fatal.
import { errorLineStart, parseErrorText, MAX_LINE_BYTES, type ErrorLogEntry } from './error-log';
import { COMBINED, MAIN, parseAccessLine, type AccessLogEntry, type LogFormat } from './access-log';
import { utf8Length } from '../match/bytes';

export type LogEntry = ErrorLogEntry | AccessLogEntry;

export interface ReaderStats {
  lines: number;
  errorEntries: number;
  accessEntries: number;
  /** Physical lines appended to a previous entry. */
  continuationLines: number;
  garbage: number;
  /** The first few garbage lines (line number and up to 200 characters). */
  garbageSamples: { line: number; text: string }[];
}

export interface ReaderOptions {
  /** Access-log formats to try (the config's log_format list); combined and main are always tried last. */
  formats?: readonly LogFormat[];
  /** Longest entry assembled from continuation lines, in bytes (nginx writes at most 2047). */
  maxEntryBytes?: number;
}

interface Pending {
  line: number;
  text: string;
  bytes: number;
  entry: ErrorLogEntry;
}

export class LogReader {
  readonly stats: ReaderStats = { lines: 0, errorEntries: 0, accessEntries: 0, continuationLines: 0, garbage: 0, garbageSamples: [] };
  private pending: Pending | null = null;
  private readonly formats: LogFormat[];
  private lastFormat = 0;
  private readonly maxEntryBytes: number;

  constructor(opts: ReaderOptions = {}) {
    const own = [...(opts.formats ?? [])];
    for (const f of [COMBINED, MAIN]) if (!own.some((o) => o.format === f.format)) own.push(f);
    this.formats = own;
    this.maxEntryBytes = opts.maxEntryBytes ?? 4 * MAX_LINE_BYTES;
  }

  /** Feed one physical line (without its newline). `bytes`: its length in bytes, when known. */
  push(text: string, bytes?: number): LogEntry[] {
    const lineNo = ++this.stats.lines;
    const out: LogEntry[] = [];
    const start = errorLineStart(text);
    if (start < 0 && this.pending) {
      // a continuation of the open entry?
      const p = this.pending;
      p.text += `\n${text}`;
      p.bytes += 1 + (bytes ?? utf8Length(text));
      this.stats.continuationLines++;
      const e = parseErrorText(p.text, p.line, p.bytes);
      if (e && (e.context.client !== undefined || p.bytes >= this.maxEntryBytes)) {
        this.pending = null;
        out.push(this.emitError(e));
      } else if (e) p.entry = e;
      return out;
    }
    if (this.pending) {
      out.push(this.emitError(this.pending.entry));
      this.pending = null;
    }
    if (start >= 0) {
      const b = bytes ?? utf8Length(text);
      const e = parseErrorText(text, lineNo, b);
      if (!e) {
        this.garbageLine(lineNo, text);
        return out;
      }
      if (mayContinue(e)) this.pending = { line: lineNo, text, bytes: b, entry: e };
      else out.push(this.emitError(e));
      return out;
    }
    const a = this.parseAccess(text, lineNo);
    if (a) {
      this.stats.accessEntries++;
      out.push(a);
      return out;
    }
    if (text.trim() !== '') this.garbageLine(lineNo, text);
    return out;
  }

  /** True when no entry is open (waiting for continuation lines). */
  get idle(): boolean {
    return this.pending === null;
  }

  /**
   * Counts a line that a caller recognised as a complete error-log entry without reading it
   * (CachedLineExplainer, line-cache.ts). Only valid while idle.
   */
  countCachedError(): void {
    this.stats.lines++;
    this.stats.errorEntries++;
  }

  /** Call at the end of input: returns the entry still open, if any. */
  end(): LogEntry[] {
    if (!this.pending) return [];
    const e = this.pending.entry;
    this.pending = null;
    return [this.emitError(e)];
  }

  private emitError(e: ErrorLogEntry): ErrorLogEntry {
    this.stats.errorEntries++;
    return e;
  }

  private garbageLine(line: number, text: string): void {
    this.stats.garbage++;
    if (this.stats.garbageSamples.length < 5) this.stats.garbageSamples.push({ line, text: text.slice(0, 200) });
  }

  private parseAccess(text: string, line: number): AccessLogEntry | null {
    if (!text) return null;
    const n = this.formats.length;
    for (let k = 0; k < n; k++) {
      const i = (this.lastFormat + k) % n;
      const e = parseAccessLine(text, [this.formats[i]!], line);
      if (e) {
        this.lastFormat = i;
        return e;
      }
    }
    return null;
  }
}

/**
 * An entry whose text may go on over the next lines: no context was found and the message has an
 * unclosed quote (FastCGI stderr: "...) or ends a Lua "stack traceback:".
 */
function mayContinue(e: ErrorLogEntry): boolean {
  if (e.context.client !== undefined || e.truncated) return false;
  const m = e.message;
  if (/sent in stderr: "/.test(m)) return true;
  if (/stack traceback:$/.test(m)) return true;
  return (m.split('"').length - 1) % 2 === 1;
}

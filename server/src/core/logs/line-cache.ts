// Explains big error logs fast. Logs repeat themselves: the same failure of the same URI on the
// same server appears thousands of times and differs only in the time, the connection number and
// the client address. A plain error-log line is therefore reduced to a key (level, message and
// context without the client address); the first line with a key is read and explained the
// normal way (LogReader + Explainer), every later one reuses that explanation with its own line
// number, time and client. Lines the keys cannot describe exactly (syslog prefixes, continuations,
// truncated lines, UDP clients, a message holding ", client: ", a context whose quoted values hold
// quotes) always take the normal way.
import type { Explainer, Explanation } from './explain';
import { RequestHistory, type Confidence, type Link } from './link';
import { isUpstreamFailure } from './failure';
import type { LogEntry, LogReader } from './reader';
import { LEVELS, MAX_LINE_BYTES, parseErrorText, type ErrorLogEntry } from './error-log';
import { classify, type Cause } from './causes';
import type { LocationInfo } from '../match/locations';
import type { ServerInfo } from '../match/servers';

/** What a plain error-log line varies in, and the keys of everything else. */
export interface LineKey {
  /** Level, whether an upstream is named, and the message (with errno and action). */
  head: string;
  /** The context after the client address: server, request, upstream, host, referrer. */
  tail: string;
  time: string;
  client: string;
}

/**
 * One reported entry. Lines with the same `same` object share everything but the line number,
 * time and client: their cause, status, server block, location and confidence, and the text of
 * the full explanation (built on demand by `explanation()`, with this line's own values, on every
 * call: a consumer keeps what it needs of it in `same.memo`).
 */
export interface LineExplanation {
  line: number;
  time: string | null;
  client: string | null;
  same: SameLines;
  cause: Cause;
  status: number | null;
  bodyPhase: boolean;
  server: ServerInfo | null;
  location: LocationInfo | null;
  confidence: Confidence;
  explanation(): Explanation;
}

/** Shared by the lines that share an explanation; `memo` is free for the consumer's own per-group data. */
export interface SameLines {
  memo: unknown;
}

/** What the head of a line decides. */
interface Head {
  failure: boolean;
  cause: Cause;
  status: number | null;
  bodyPhase: boolean;
}

/** What the tail of a line decides (for reported lines: they all need a *_pass). */
interface Tail {
  server: ServerInfo | null;
  location: LocationInfo | null;
  confidence: Confidence;
  /** Per head seen with this tail: the lines' shared identity and explanation. */
  pairs: Map<Head, Pair>;
  /** The pair asked for last (most tails go with one head): saves the map lookup. */
  lastHead: Head | null;
  lastPair: Pair | null;
}

/**
 * Lines with one head and one tail. Their explanation is not kept here: it is built when a
 * consumer asks for it (once per pair, as the consumers keep what they need in `memo`), so a big
 * log does not hold one full explanation per pair.
 */
type Pair = SameLines;

/** Bound of the caches, in characters of keys (lines are up to 2 KB): about 16 MB of keys at most. */
const MAX_KEY_CHARS = 8_000_000;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Where the parts of a plain error-log line are (filled by scanLine). */
interface Scan {
  /** Index of the level in LEVELS, times 2, plus 1 when the context names an upstream. */
  kind: number;
  /** The message (with errno and action): [headStart, at). */
  headStart: number;
  at: number;
  /** The client address: [clientStart, clientEnd); the tail starts at clientEnd. */
  clientStart: number;
  clientEnd: number;
}

/**
 * Finds the parts of a line shaped exactly "YYYY/MM/DD HH:MM:SS [level] PID#TID: [*CONN ]MESSAGE,
 * client: ADDR, ..." with ", client: " once; false for anything else.
 */
function scanLine(text: string, out: Scan): boolean {
  const n = text.length;
  if (n < 40 || text.charCodeAt(n - 1) === 13) return false;
  // "2026/11/22 04:00:01 ["
  for (const i of DIGITS_AT) if (!isDigit(text.charCodeAt(i))) return false;
  if (text.charCodeAt(4) !== 47 || text.charCodeAt(7) !== 47 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 32 || text.charCodeAt(20) !== 91) return false;
  const close = text.indexOf(']', 21);
  if (close < 0 || close > 28) return false;
  const level = LEVEL_INDEX.get(text.slice(21, close));
  if (level === undefined || text.charCodeAt(close + 1) !== 32) return false;
  let p = close + 2;
  let from = p;
  while (p < n && isDigit(text.charCodeAt(p))) p++;
  if (p === from || text.charCodeAt(p) !== 35 /* # */) return false;
  from = ++p;
  while (p < n && isDigit(text.charCodeAt(p))) p++;
  if (p === from || text.charCodeAt(p) !== 58 || text.charCodeAt(p + 1) !== 32) return false;
  p += 2;
  if (text.charCodeAt(p) === 42 /* * */) {
    let q = p + 1;
    while (q < n && isDigit(text.charCodeAt(q))) q++;
    if (q > p + 1 && text.charCodeAt(q) === 32) p = q + 1;
  }
  const at = text.indexOf(', client: ', p);
  if (at < 0 || text.indexOf(', client: ', at + 1) >= 0 || text.includes(', udp client: ', p)) return false;
  const cs = at + 10;
  let end = cs;
  while (end < n) {
    const c = text.charCodeAt(end);
    if (c === 44 || c === 32 || c === 10) break;
    end++;
  }
  if (end === cs) return false;
  // only contexts whose fields are unambiguous: then the tail parses as a context wherever it
  // stands, and whether it names an upstream (which the cause depends on) is certain
  PLAIN_TAIL.lastIndex = end;
  const m = PLAIN_TAIL.exec(text);
  if (!m) return false;
  out.kind = level * 2 + (m[1] !== undefined ? 1 : 0);
  out.headStart = p;
  out.at = at;
  out.clientStart = cs;
  out.clientEnd = end;
  return true;
}

/** The keys of a plain error-log line (see scanLine); null for anything else. */
export function errorLineKey(text: string): LineKey | null {
  const sc: Scan = { kind: 0, headStart: 0, at: 0, clientStart: 0, clientEnd: 0 };
  if (!scanLine(text, sc)) return null;
  return {
    head: `${LEVELS[sc.kind >> 1]} ${sc.kind & 1 ? 'u' : '-'} ${text.slice(sc.headStart, sc.at)}`,
    tail: text.slice(sc.clientEnd),
    time: text.slice(0, 19),
    client: text.slice(sc.clientStart, sc.clientEnd),
  };
}

const DIGITS_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const LEVEL_INDEX = new Map<string, number>(LEVELS.map((l, i) => [l, i]));

/**
 * LogReader + Explainer with the caches. `all`: report every entry, not only upstream failures
 * (explain --all; then every line is read the normal way). Entries come out in log order.
 */
export class CachedLineExplainer {
  /** Per level and upstream flag (Scan.kind): heads by message text. */
  private readonly heads: Map<string, Head>[] = LEVELS.flatMap(() => [new Map<string, Head>(), new Map<string, Head>()]);
  /** Characters held in the keys of the heads; over MAX_KEY_CHARS they are cleared. */
  private keyChars = 0;
  /** Tails by text, in two generations bounded in characters of keys (see TailStore). */
  private readonly tails: TailStore;
  private readonly scan: Scan = { kind: 0, headStart: 0, at: 0, clientStart: 0, clientEnd: 0 };
  /** The log's lines so far, per request: identical lines of one error_page chain are told apart by order. */
  private readonly history = new RequestHistory();

  /**
   * `tailChars`: characters of tail keys per generation (two are kept). The default holds ~55k
   * tails (~25 MB); a log that names every place of a 1,000-server config has ~200k distinct
   * tails per million lines, and a one-shot explain may keep more of them.
   */
  constructor(
    private readonly reader: LogReader,
    private readonly explainer: Explainer,
    private readonly all: boolean,
    tailChars = MAX_KEY_CHARS / 2,
  ) {
    this.tails = new TailStore(tailChars);
  }

  /** Feeds one physical line; `report` gets every entry to report that the line completes. */
  push(text: string, bytes: number, report: (e: LineExplanation) => void): void {
    const sc = this.scan;
    const plain = !this.all && this.reader.idle && bytes < MAX_LINE_BYTES && scanLine(text, sc);
    const heads = plain ? this.heads[sc.kind]! : null;
    const headText = plain ? text.slice(sc.headStart, sc.at) : '';
    const head = heads?.get(headText);
    if (head) {
      if (!head.failure) {
        this.reader.countCachedError();
        return;
      }
      const tailText = text.slice(sc.clientEnd);
      let tail = this.tails.get(tailText);
      if (tail) {
        this.reader.countCachedError();
        report(new CachedLine(this.explainer, head, tail, this.reader.stats.lines, text, bytes, sc.clientStart, sc.clientEnd));
        return;
      }
      // a known failure in a new place: read the line, but only locate it (no summary, no fixes)
      const lineNo = this.reader.stats.lines + 1;
      const { clientStart, clientEnd } = sc;
      const entries = this.reader.push(text, bytes);
      const e = entries[0];
      if (entries.length === 1 && e && this.describes(text, clientStart, clientEnd, e, lineNo)) {
        const l = this.explainer.locate(e, this.history);
        if (l.orderDependent) {
          // the answer depends on the lines before: never cached
          report(fromExplanation(this.explainer.explainLinked(e, l), null));
          return;
        }
        this.tails.set(tailText, (tail = { server: l.server, location: l.location, confidence: l.confidence, pairs: new Map(), lastHead: null, lastPair: null }));
        report(new CachedLine(this.explainer, head, tail, lineNo, text, bytes, clientStart, clientEnd, { e, l }));
        return;
      }
      for (const en of entries) if (isUpstreamFailure(en)) report(fromExplanation(this.explainer.explain(en, this.history), null));
      return;
    }
    const lineNo = this.reader.stats.lines + 1;
    const { clientStart, clientEnd } = sc;
    for (const e of this.reader.push(text, bytes)) {
      const failure = this.all || isUpstreamFailure(e);
      const x = failure ? this.explainer.explain(e, this.history) : null;
      // the line's pair, when later lines can share its explanation: the line is reported as one
      // of the pair, so what the consumer keeps for it (memo) serves the pair's later lines
      let pair: Pair | null = null;
      if (heads && this.describes(text, clientStart, clientEnd, e, lineNo)) {
        this.budget(headText.length);
        let h = heads.get(headText);
        if (!h) {
          const c = classify(e as ErrorLogEntry);
          heads.set(headText, (h = { failure, cause: c.cause, status: c.status, bodyPhase: c.bodyPhase }));
        }
        if (x && !x.orderDependent) {
          const tailText = text.slice(clientEnd);
          let tail = this.tails.get(tailText);
          if (!tail) this.tails.set(tailText, (tail = { server: x.server, location: x.location, confidence: x.confidence, pairs: new Map(), lastHead: null, lastPair: null }));
          pair = tail.pairs.get(h) ?? null;
          if (!pair) tail.pairs.set(h, (pair = { memo: undefined }));
        }
      }
      if (x) report(fromExplanation(x, pair));
    }
  }

  /** Makes room for head keys of `chars` characters: past the bound, the heads start over. */
  private budget(chars: number): void {
    this.keyChars += chars;
    if (this.keyChars <= MAX_KEY_CHARS) return;
    for (const h of this.heads) h.clear();
    this.keyChars = chars;
  }

  /** True for an entry read from this very line (lineNo), parsed as scanLine saw it. */
  private describes(text: string, clientStart: number, clientEnd: number, e: LogEntry, lineNo: number): boolean {
    return e.kind === 'error' && e.line === lineNo && e.lines === 1 && e.prefix === undefined && e.context.client === text.slice(clientStart, clientEnd) && e.time === text.slice(0, 19) && this.reader.idle;
  }

  end(report: (e: LineExplanation) => void): void {
    for (const e of this.reader.end()) {
      if (this.all || isUpstreamFailure(e)) report(fromExplanation(this.explainer.explain(e, this.history), null));
    }
  }
}

/**
 * Tails in two generations: new tails go into the young map; when its keys pass `limit`
 * characters it becomes the old map (the previous old one is dropped). A tail found in the old
 * map moves back to the young one, so the tails a log keeps naming stay, and at most 2 x `limit`
 * characters of keys are held (a map cleared when full forgot every tail at once).
 */
class TailStore {
  private young = new Map<string, Tail>();
  private old = new Map<string, Tail>();
  private chars = 0;

  constructor(private readonly limit: number) {}

  get(key: string): Tail | undefined {
    const t = this.young.get(key);
    if (t !== undefined) return t;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.set(key, o);
    }
    return o;
  }

  set(key: string, tail: Tail): void {
    if (this.chars + key.length > this.limit && this.young.size) {
      this.old = this.young;
      this.young = new Map();
      this.chars = 0;
    }
    this.chars += key.length;
    this.young.set(key, tail);
  }
}

/**
 * A context after the client address that error-log.ts certainly parses as one: the server
 * name, then nginx's quoted fields in their fixed order, without quotes inside the values
 * (group 1: the upstream field). Sticky: matched from Scan.clientEnd to the end of the line.
 */
const PLAIN_TAIL = /, server: [^\s,]*(?:, request: "[^"]*")?(?:, subrequest: "[^"]*")?(, upstream: "[^"]*")?(?:, host: "[^"]*")?(?:, referrer: "[^"]*")?$/y;

/** A line explained from the caches; its time, client and full explanation are read on demand. */
class CachedLine implements LineExplanation {
  readonly same: Pair;

  constructor(
    private readonly explainer: Explainer,
    private readonly head: Head,
    readonly tail: Tail,
    readonly line: number,
    private readonly text: string,
    private readonly bytes: number,
    private readonly clientStart: number,
    private readonly clientEnd: number,
    /** The entry and link of this very line when they were just made (the first line of a tail). */
    private readonly read: { e: LogEntry; l: Link } | null = null,
  ) {
    let pair = tail.lastHead === head ? tail.lastPair : tail.pairs.get(head);
    if (!pair) tail.pairs.set(head, (pair = { memo: undefined }));
    tail.lastHead = head;
    tail.lastPair = pair;
    this.same = pair;
  }

  get time(): string {
    return this.text.slice(0, 19);
  }

  get client(): string {
    return this.text.slice(this.clientStart, this.clientEnd);
  }

  get cause(): Cause {
    return this.head.cause;
  }

  get status(): number | null {
    return this.head.status;
  }

  get bodyPhase(): boolean {
    return this.head.bodyPhase;
  }

  get server(): ServerInfo | null {
    return this.tail.server;
  }

  get location(): LocationInfo | null {
    return this.tail.location;
  }

  get confidence(): Confidence {
    return this.tail.confidence;
  }

  explanation(): Explanation {
    // the line as read and linked when its tail was new (a link that is not order-dependent is
    // the one explain() finds), else read the normal way; not kept (see Pair)
    if (this.read) return this.explainer.explainLinked(this.read.e, this.read.l);
    return this.explainer.explain(parseErrorText(this.text, this.line, this.bytes)!);
  }
}

function fromExplanation(x: Explanation, same: SameLines | null): LineExplanation {
  return {
    line: x.entry.line, time: x.time, client: x.client, same: same ?? { memo: undefined },
    cause: x.cause, status: x.status, bodyPhase: x.bodyPhase, server: x.server, location: x.location, confidence: x.confidence,
    explanation: () => x,
  };
}

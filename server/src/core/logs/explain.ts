// Explains a log entry: what the line says (cause, status, request, upstream), where it was handled
// (linking, link.ts: server block, location, confidence) and what to do about it (advice.ts).
import type { LogEntry } from './reader';
import type { ErrorLogEntry } from './error-log';
import { classify, causeById, type Cause } from './causes';
import type { Matcher } from '../match/matcher';
import type { LocationInfo } from '../match/locations';
import type { ServerInfo } from '../match/servers';
import { parseRequestLine, type RequestLine } from '../match/uri';
import { Linker, type Candidate, type Confidence, type Link, type LinkCacheSizes, type RequestHistory } from './link';
import { advice, summary } from './advice';
import { withRegexBudget, LINE_REGEX_BUDGET } from '../match/pcre';
import type { Model } from '../model/model';

export interface Explanation {
  entry: LogEntry;
  cause: Cause;
  status: number | null;
  bodyPhase: boolean;
  time: string | null;
  level: string | null;
  message: string;
  client: string | null;
  /** The `server:` value (error log) or $server_name (access log). */
  serverName: string | null;
  request: RequestLine | null;
  upstream: string | null;
  host: string | null;
  server: ServerInfo | null;
  location: LocationInfo | null;
  confidence: Confidence;
  /** One sentence on what keeps the link from being exact; null when it is exact. */
  why: string | null;
  candidates: Candidate[];
  reasons: string[];
  /** The answer depends on the request's earlier lines (identical lines from two steps of an error_page chain). */
  orderDependent: boolean;
  /** The step of the request's chain (0: the location the URI selects; +1 per error_page/try_files redirect). */
  step: number;
  /** How the request got to `location` from the location its URI selects (error_page, try_files), in words; [] when it is that one. */
  via: string[];
  summary: string;
  fixes: string[];
}

export class Explainer {
  readonly linker: Linker;

  constructor(readonly matcher: Matcher, caches?: LinkCacheSizes) {
    this.linker = new Linker(matcher, caches);
  }

  /**
   * Explains one entry. `history`: the earlier lines of the same log, in order (pass one object
   * for all lines of a log): it tells identical lines of one request's error_page chain apart.
   * Its regex evaluations (server names, locations, rewrites) share one step budget.
   */
  explain(entry: LogEntry, history?: RequestHistory | null): Explanation {
    return withRegexBudget(LINE_REGEX_BUDGET, () => this.explainEntry(entry, history));
  }

  private explainEntry(entry: LogEntry, history?: RequestHistory | null): Explanation {
    const x = entry.kind === 'error' ? baseError(entry) : baseAccess(entry);
    return this.finish(x, this.linker.link(x, needsAttempt(x.cause.id), history));
  }

  /** explain() with a link found before (by locate()). */
  explainLinked(entry: LogEntry, link: Link): Explanation {
    return this.finish(entry.kind === 'error' ? baseError(entry) : baseAccess(entry), link);
  }

  private finish(x: Explanation, link: Link): Explanation {
    Object.assign(x, link);
    limitStatus(x, this.matcher.model);
    x.summary = summary(x);
    x.fixes = advice(x, this.matcher.model);
    return x;
  }

  /** Only where an entry was handled: explain() without summary and fixes. */
  locate(entry: LogEntry, history?: RequestHistory | null): Link {
    return withRegexBudget(LINE_REGEX_BUDGET, () => this.locateEntry(entry, history));
  }

  private locateEntry(entry: LogEntry, history?: RequestHistory | null): Link {
    const x = entry.kind === 'error' ? baseError(entry) : baseAccess(entry);
    return this.linker.link(x, needsAttempt(x.cause.id), history);
  }
}

/** A limit_req/limit_conn rejection gets the limit_*_status in force where it was handled (503 by default). */
function limitStatus(x: Explanation, model: Model): void {
  const directive = x.cause.id === 'limit-req-rejected' ? 'limit_req_status' : x.cause.id === 'limit-conn-rejected' ? 'limit_conn_status' : null;
  const block = x.location?.node ?? x.server?.node ?? null;
  if (!directive || !block) return;
  const v = Number(model.effective(block, directive).nodes.at(-1)?.d.args[0]?.value);
  if (Number.isInteger(v) && v >= 400 && v <= 599) x.status = v;
}

/** Causes nginx logs without an upstream attempt (request limits, worker limits): no *_pass needed where they happen. */
const NO_ATTEMPT = new Set(['unknown', 'limit-req-rejected', 'limit-req-delayed', 'limit-conn-rejected', 'worker-connections-exhausted', 'too-many-open-files']);

/** The line reports an upstream failure of a known cause, so the place that wrote it has a *_pass. */
function needsAttempt(id: string): boolean {
  return !NO_ATTEMPT.has(id);
}

function baseError(e: ErrorLogEntry): Explanation {
  const c = classify(e);
  const message = `${e.message}${e.errno ? ` (${e.errno.code}: ${e.errno.text})` : ''}${e.action ? ` while ${e.action}` : ''}`;
  return {
    entry: e, cause: c.cause, status: c.status, bodyPhase: c.bodyPhase, time: e.time, level: e.level, message,
    client: e.context.client ?? null,
    serverName: e.context.request !== undefined || e.context.host !== undefined ? (e.context.server ?? null) : null,
    request: e.context.request !== undefined ? parseRequestLine(e.context.request) : null,
    upstream: e.context.upstream ?? null, host: e.context.host ?? null,
    server: null, location: null, confidence: 'ambiguous', why: null, candidates: [], reasons: [], orderDependent: false, step: 0, via: [], summary: '', fixes: [],
  };
}

function baseAccess(e: LogEntry & { kind: 'access' }): Explanation {
  const status = e.status ?? null;
  const cause = status === 9 ? causeById('upstream-not-http') : status === 499 ? causeById('client-closed-request') : causeById('unknown');
  return {
    entry: e, cause, status, bodyPhase: false, time: e.time ?? null, level: null, message: e.raw,
    client: e.remoteAddr ?? null, serverName: e.serverName ?? null,
    request: e.request ? parseRequestLine(e.request) : null,
    upstream: e.upstreamAddr ?? null, host: e.host ?? null,
    server: null, location: null, confidence: 'ambiguous', why: null, candidates: [], reasons: [], orderDependent: false, step: 0, via: [], summary: '', fixes: [],
  };
}

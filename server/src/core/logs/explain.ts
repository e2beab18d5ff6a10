// Explains a log entry: what the line says (cause, status, request, upstream), where it was handled
// (linking, link.ts: server block, location, confidence) and what to do about it (advice.ts).
import type { LogEntry } from './reader';
import type { ErrorLogEntry } from './error-log';
import { classify, causeById, type Cause } from './causes';
import type { Matcher } from '../match/matcher';
import type { LocationInfo } from '../match/locations';
import type { ServerInfo } from '../match/servers';
import { parseRequestLine, type RequestLine } from '../match/uri';
import { Linker, type Candidate, type Confidence } from './link';
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
  candidates: Candidate[];
  reasons: string[];
  summary: string;
  fixes: string[];
}

export class Explainer {
  readonly linker: Linker;

  constructor(readonly matcher: Matcher) {
    this.linker = new Linker(matcher);
  }

  /** One log entry; its regex evaluations (server names, locations, rewrites) share one step budget. */
  explain(entry: LogEntry): Explanation {
    return withRegexBudget(LINE_REGEX_BUDGET, () => this.explainEntry(entry));
  }

  private explainEntry(entry: LogEntry): Explanation {
    const x = entry.kind === 'error' ? baseError(entry) : baseAccess(entry);
    Object.assign(x, this.linker.link(x, x.cause.id !== 'unknown'));
    limitStatus(x, this.matcher.model);
    x.summary = summary(x);
    x.fixes = advice(x, this.matcher.model);
    return x;
  }

  /** Only where an entry was handled (server, location, confidence): explain() without summary and fixes. */
  locate(entry: LogEntry): Pick<Explanation, 'server' | 'location' | 'confidence'> {
    return withRegexBudget(LINE_REGEX_BUDGET, () => this.locateEntry(entry));
  }

  private locateEntry(entry: LogEntry): Pick<Explanation, 'server' | 'location' | 'confidence'> {
    const x = entry.kind === 'error' ? baseError(entry) : baseAccess(entry);
    const l = this.linker.link(x, x.cause.id !== 'unknown');
    return { server: l.server, location: l.location, confidence: l.confidence };
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

function baseError(e: ErrorLogEntry): Explanation {
  const c = classify(e);
  const message = `${e.message}${e.errno ? ` (${e.errno.code}: ${e.errno.text})` : ''}${e.action ? ` while ${e.action}` : ''}`;
  return {
    entry: e, cause: c.cause, status: c.status, bodyPhase: c.bodyPhase, time: e.time, level: e.level, message,
    client: e.context.client ?? null,
    serverName: e.context.request !== undefined || e.context.host !== undefined ? (e.context.server ?? null) : null,
    request: e.context.request !== undefined ? parseRequestLine(e.context.request) : null,
    upstream: e.context.upstream ?? null, host: e.context.host ?? null,
    server: null, location: null, confidence: 'ambiguous', candidates: [], reasons: [], summary: '', fixes: [],
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
    server: null, location: null, confidence: 'ambiguous', candidates: [], reasons: [], summary: '', fixes: [],
  };
}

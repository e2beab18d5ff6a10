// Links a log entry to the config: which server block and location handled the request, with
// what confidence, and what to do about it. The server comes from the line's `server:` field
// (the first server_name of the chosen block, nginx-facts §1.3), narrowed by the Host header;
// the location from matching the logged request line exactly as nginx does (match/); the
// `upstream:` field (schema, peer address or group name) confirms the location or picks among
// candidates (try_files fallbacks, several servers with one name).
import type { ConfigNode } from '../workspace/config-set';
import type { LogEntry } from './reader';
import type { ErrorLogEntry } from './error-log';
import { classify, causeById, type Cause } from './causes';
import { Matcher, where, type MatchResult } from '../match/matcher';
import type { LocationInfo } from '../match/locations';
import type { ServerInfo } from '../match/servers';
import { parseRequestLine, validateHost, type RequestLine } from '../match/uri';
import { toBytes } from '../match/bytes';
import { describe as describeLocation } from '../match/locations';

export type Confidence = 'exact' | 'likely' | 'ambiguous';

export interface Candidate {
  server: ServerInfo;
  location: LocationInfo | null;
  why: string;
}

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

type Module = 'proxy' | 'fastcgi' | 'grpc' | 'uwsgi' | 'scgi' | 'memcached';

export interface PassTarget {
  node: ConfigNode;
  module: Module;
  /** Schemas nginx would log for it ("http://", "fastcgi://" ...). */
  schemas: string[];
  /** The host part as written ("127.0.0.1:8080", "backend", "unix:/run/x.sock"), "" with variables. */
  host: string;
  hasVariables: boolean;
}

const PASS_MODULE: Record<string, Module> = {
  proxy_pass: 'proxy', fastcgi_pass: 'fastcgi', grpc_pass: 'grpc', uwsgi_pass: 'uwsgi', scgi_pass: 'scgi', memcached_pass: 'memcached',
};

/** Statuses of access-log lines that count as upstream failures. */
const ACCESS_FAILURES = new Set([502, 504, 9]);

interface Linked {
  server: ServerInfo | null;
  location: LocationInfo | null;
  confidence: Confidence;
  candidates: Candidate[];
  reasons: string[];
}

export class Explainer {
  /** Links depend only on server name, host, path and upstream peer: big logs repeat them a lot. */
  private readonly cache = new Map<string, Linked>();

  constructor(readonly matcher: Matcher) {}

  /** True for lines explain reports by default: upstream failures. */
  isUpstreamFailure(entry: LogEntry): boolean {
    if (entry.kind === 'access') return entry.status !== undefined && ACCESS_FAILURES.has(entry.status);
    const c = classify(entry);
    if (c.cause.id !== 'unknown') return c.cause.id !== 'fastcgi-stderr' || entry.level !== 'notice';
    return entry.context.upstream !== undefined && (entry.level === 'error' || entry.level === 'crit' || entry.level === 'alert');
  }

  explain(entry: LogEntry): Explanation {
    const x = entry.kind === 'error' ? this.baseError(entry) : this.baseAccess(entry);
    this.link(x);
    x.summary = this.summary(x);
    x.fixes = this.fixes(x);
    return x;
  }

  /** Only where an entry was handled (server, location, confidence): explain() without summary and fixes. */
  locate(entry: LogEntry): Pick<Explanation, 'server' | 'location' | 'confidence'> {
    const x = entry.kind === 'error' ? this.baseError(entry) : this.baseAccess(entry);
    this.link(x);
    return { server: x.server, location: x.location, confidence: x.confidence };
  }

  private baseError(e: ErrorLogEntry): Explanation {
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

  private baseAccess(e: LogEntry & { kind: 'access' }): Explanation {
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

  // ----- linking --------------------------------------------------------------------------------

  private link(x: Explanation): void {
    const path = x.request ? x.request.target.replace(/[?#].*$/, '') : '';
    const peer = x.upstream === null ? '' : x.upstream.split(/, | : /).map((u) => { const f = parseUpstream(u); return f.schema + f.peer; }).join(',');
    const needs = x.entry.kind === 'error' ? x.upstream !== null || x.cause.id !== 'unknown' : true;
    const key = x.request ? `${x.entry.kind}\0${x.serverName}\0${x.host}\0${path}\0${peer}\0${needs}` : '';
    const hit = key ? this.cache.get(key) : undefined;
    if (hit) {
      Object.assign(x, { server: hit.server, location: hit.location, confidence: hit.confidence, candidates: hit.candidates, reasons: [...hit.reasons] });
      return;
    }
    this.linkUncached(x);
    if (key) {
      if (this.cache.size >= 20_000) this.cache.clear();
      this.cache.set(key, { server: x.server, location: x.location, confidence: x.confidence, candidates: x.candidates, reasons: [...x.reasons] });
    }
  }

  private linkUncached(x: Explanation): void {
    const m = this.matcher;
    if (!x.request) {
      if (x.entry.kind === 'error' && x.entry.context.client !== undefined && x.entry.context.request === undefined) {
        x.reasons.push('the line has no request (a connection-level event), so no location handled it');
      } else if (x.entry.kind === 'error' && x.entry.context.client === undefined) {
        x.reasons.push('the line has no client context (a process-level event)');
      } else x.reasons.push('the request line is missing or cut off, so the location cannot be matched');
      return;
    }
    // an absolute request line ("GET http://h:8080/x") names the host nginx used, not Host
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(x.request.target);
    const effectiveHost = absolute ? absolute[1]! : x.host;
    const hostBytes = effectiveHost !== null ? validateHost(toBytes(effectiveHost)) : null;
    // 1. server blocks
    let servers: ServerInfo[];
    let serverHow: string;
    if (x.serverName !== null) {
      servers = m.serversLogging(x.serverName);
      serverHow = `server: "${x.serverName}" is logged for ${servers.length} server block(s)`;
      if (!servers.length) {
        servers = this.byHost(hostBytes);
        serverHow = `no server block logs server: "${x.serverName}" (is this the config that wrote the log?); chose by host instead`;
      }
    } else {
      servers = this.byHost(hostBytes);
      serverHow = hostBytes !== null ? `server chosen by the host "${effectiveHost}"` : 'the line names no server or host: every server block is a candidate';
    }
    let narrowedByHost = false;
    if (servers.length > 1 && hostBytes !== null) {
      const port = hostPort(effectiveHost!);
      const fits = servers.filter((s) => m.entries(s).some((en) => m.table.lookup(en, hostBytes).server === s && (port === null || en.port === port)));
      const fitsAnyPort = fits.length ? fits : servers.filter((s) => m.entries(s).some((en) => m.table.lookup(en, hostBytes).server === s));
      if (fitsAnyPort.length && fitsAnyPort.length < servers.length) {
        servers = fitsAnyPort;
        narrowedByHost = true;
        serverHow += `; host "${effectiveHost}" selects ${servers.length} of them`;
      }
    }
    x.reasons.push(serverHow);
    if (!servers.length) {
      x.reasons.push('no server block found');
      return;
    }
    // 2. locations
    const target = x.request.target;
    const options: { server: ServerInfo; location: LocationInfo | null; result: MatchResult; primary: boolean; why: string }[] = [];
    const port = effectiveHost !== null ? hostPort(effectiveHost) : null;
    for (const s of servers) {
      // the URI is normalised with merge_slashes of the default server of the address:port the
      // request came in on; when the server's addresses disagree on it, try each value
      const entries = m.entries(s);
      const onPort = entries.filter((en) => en.port === port);
      const merges = [...new Set((onPort.length ? onPort : entries).map((en) => m.flag(en.defaultServer.node, 'merge_slashes', true)))];
      const seen = new Set<LocationInfo | null>();
      for (const merge of merges.length ? merges : [true]) {
        const r = m.matchInServer(s, target, x.host ?? '', merge);
        if (seen.has(r.location)) continue;
        seen.add(r.location);
        options.push({ server: s, location: r.location, result: r, primary: true, why: merges.length > 1 ? `matched the request URI with merge_slashes ${merge ? 'on' : 'off'}` : 'matched the request URI' });
        for (const c of r.candidates) options.push({ server: s, location: c, result: r, primary: false, why: `may take the request instead (${r.certain ? 'fallback' : 'could not be evaluated'})` });
      }
    }
    // 3. upstream agreement
    // $upstream_addr lists every attempt (", ") and internal redirect (" : "); the error log one peer
    const peers = x.upstream !== null ? x.upstream.split(/, | : /).filter((p) => p && p !== '-').map(parseUpstream) : [];
    const up = peers.length ? peers : null;
    const needsPass = x.entry.kind === 'error' ? x.upstream !== null || x.cause.id !== 'unknown' : true;
    const scored = options.map((o) => {
      const targets = o.location ? passTargets(o.location.node) : passTargets(o.server.node, true);
      let fit: 'yes' | 'possible' | 'no' | 'none';
      if (!targets.length) fit = 'none';
      else if (!up) fit = 'yes'; // nothing to contradict the *_pass (resolver errors carry no upstream:)
      else fit = best(targets.flatMap((t) => up.map((u) => this.fits(t, u))));
      return { ...o, fit, targets };
    });
    const rank = (f: string): number => (f === 'yes' ? 3 : f === 'possible' ? 2 : f === 'none' ? (needsPass ? 0 : 2) : -1);
    const top = Math.max(...scored.map((s) => rank(s.fit) + (s.primary ? 0.5 : 0)));
    const bestOnes = scored.filter((s) => rank(s.fit) + (s.primary ? 0.5 : 0) === top);
    const primary = scored.filter((s) => s.primary);
    x.reasons.push(...primary.flatMap((p) => p.result.reason.map((r) => `${servers.length > 1 ? `[${shortServer(p.server)}] ` : ''}${r}`)));
    const chosen = bestOnes.length === 1 ? bestOnes[0]! : null;
    if (chosen) {
      x.server = chosen.server;
      x.location = chosen.location;
      let conf: Confidence = 'exact';
      if (servers.length > 1 || narrowedByHost) conf = 'likely';
      if (!chosen.primary) conf = 'likely';
      if (!chosen.result.certain && chosen.primary) conf = 'likely';
      if (chosen.fit === 'possible' || (chosen.fit === 'none' && needsPass)) conf = conf === 'exact' ? 'likely' : conf;
      if (chosen.fit === 'no') conf = 'ambiguous';
      x.confidence = conf;
      if (up && chosen.fit === 'yes') x.reasons.push(`the upstream "${x.upstream}" agrees with ${chosen.targets.map((t) => `${t.node.d.name} ${t.node.d.args[0]?.value ?? ''}`).join(', ')}`);
      if (chosen.fit === 'no') x.reasons.push(`the upstream "${x.upstream}" does not fit the ${chosen.location ? 'location' : 'server'}'s *_pass; the log may come from another config version`);
      if (chosen.fit === 'none' && needsPass) x.reasons.push('the matched location has no *_pass directive');
    } else {
      const uniqueServers = [...new Set(bestOnes.map((b) => b.server))];
      const uniqueLocations = [...new Set(bestOnes.map((b) => b.location?.node ?? null))];
      if (uniqueServers.length === 1) x.server = uniqueServers[0]!;
      if (uniqueLocations.length === 1 && uniqueLocations[0]) {
        // several server blocks, one location (a file included into each): the location is known
        x.location = bestOnes[0]!.location;
        x.confidence = 'likely';
        x.reasons.push(`${bestOnes.length} server blocks fit, all through the same location (an included file)`);
      } else {
        x.confidence = 'ambiguous';
        x.reasons.push(`${bestOnes.length} candidates fit equally well: the log line does not say which ${uniqueServers.length > 1 ? 'server block (address:port)' : 'location'} took the request`);
      }
    }
    for (const o of scored) {
      if (chosen && o.server === chosen.server && o.location === chosen.location) continue;
      if (rank(o.fit) < 0 && !o.primary) continue;
      x.candidates.push({ server: o.server, location: o.location, why: `${o.why}; upstream fit: ${o.fit}` });
    }
  }

  private byHost(host: string | null): ServerInfo[] {
    const m = this.matcher;
    if (host === null) return [...m.table.servers];
    const out: ServerInfo[] = [];
    for (const en of m.table.addrs) {
      const s = en.servers.length > 1 ? m.table.lookup(en, host).server : en.defaultServer;
      if (!out.includes(s)) out.push(s);
    }
    return out.length ? out : [...m.table.servers];
  }

  private fits(t: PassTarget, up: UpstreamField): 'yes' | 'possible' | 'no' {
    if (up.schema && !t.schemas.includes(up.schema)) return 'no';
    if (t.hasVariables) return 'possible';
    const group = this.matcher.model.upstreams.get(t.host.replace(/:\d+$/, ''));
    if (group) {
      const name = t.host.replace(/:\d+$/, '');
      if (up.peer === name) return 'yes';
      let unresolved = false;
      for (const g of group) {
        for (const s of g.children) {
          if (s.d.name !== 'server' || !s.d.args[0]) continue;
          const a = normAddr(s.d.args[0].value, 80);
          if (a.unresolved) unresolved = true;
          else if (a.addrs.includes(up.peer)) return 'yes';
        }
      }
      return unresolved ? 'possible' : 'no';
    }
    const defPort = up.schema === 'https://' ? 443 : 80;
    const a = normAddr(t.host, defPort);
    if (a.unresolved) return 'possible';
    return a.addrs.includes(up.peer) ? 'yes' : 'no';
  }

  // ----- words ----------------------------------------------------------------------------------

  private summary(x: Explanation): string {
    const status = x.status === null ? (x.bodyPhase ? 'truncated response' : 'no status change') : x.status === 9 ? '009' : String(x.status);
    const what = x.cause.id === 'unknown' && x.entry.kind === 'access' ? `${status} in the access log (the error log has the cause)` : `${status}: ${x.cause.title}`;
    const req = x.request ? ` for ${x.request.method} ${x.request.target}` : '';
    const peer = x.upstream ? ` [upstream ${x.upstream}]` : '';
    let where_ = '';
    if (x.location) where_ = ` in ${describeLocation(x.location)}`;
    else if (x.server) where_ = ` in server ${shortServer(x.server)} (${where(x.server.node)})${x.confidence === 'ambiguous' ? '' : ' (no location)'}`;
    return `${what}${req}${where_}${peer}`;
  }

  private fixes(x: Explanation): string[] {
    const out: string[] = [];
    const loc = x.location;
    const block = loc ? loc.node : x.server ? x.server.node : null;
    const targets = loc ? passTargets(loc.node) : x.server ? passTargets(x.server.node, true) : [];
    const mod = targets[0]?.module ?? (x.upstream?.startsWith('fastcgi://') ? 'fastcgi' : x.upstream?.startsWith('grpc') ? 'grpc' : x.upstream?.startsWith('uwsgi') || x.upstream?.startsWith('suwsgi') ? 'uwsgi' : x.upstream?.startsWith('scgi') ? 'scgi' : 'proxy');
    const d = (name: string): string => (mod !== 'proxy' && name.startsWith('proxy_') ? `${mod}_${name.slice(6)}` : name);
    const m = this.matcher.model;
    const show = (name: string, dflt: string): string | null => {
      if (!block) return null;
      const eff = m.effective(block, name);
      const n = eff.nodes[eff.nodes.length - 1];
      return n ? `${name} is ${n.d.args.map((a) => a.value).join(' ')} (${where(n)})` : `${name} is not set, so the default ${dflt} applies`;
    };
    const push = (s: string | null): void => {
      if (s && !out.includes(s)) out.push(s);
    };
    switch (x.cause.id) {
      case 'upstream-read-timeout':
      case 'upstream-body-truncated':
      case 'upgraded-connection-timeout':
        push(show(d('proxy_read_timeout'), '60s'));
        break;
      case 'upstream-connect-timeout':
      case 'upstream-tls-timeout':
      case 'upstream-kernel-connect-timeout':
        push(show(d('proxy_connect_timeout'), '60s'));
        break;
      case 'upstream-send-timeout':
        push(show(d('proxy_send_timeout'), '60s'));
        break;
      case 'upstream-header-too-big':
        push(show(d('proxy_buffer_size'), 'of one memory page (4k or 8k)'));
        push(show(d('proxy_buffers'), '8 pages'));
        break;
      case 'no-resolver':
      case 'upstream-unresolved':
        push(show('resolver', '(none)'));
        break;
      case 'upstream-tls-handshake-failed':
        push(show('proxy_ssl_server_name', 'off'));
        break;
      case 'upstream-tls-verify-failed':
        push(show('proxy_ssl_trusted_certificate', '(none)'));
        push(show('proxy_ssl_name', '$proxy_host'));
        break;
    }
    for (const t of targets) {
      if (['upstream-refused', 'upstream-socket-missing', 'upstream-permission-denied', 'upstream-unreachable', 'no-live-upstreams', 'upstream-tls-to-plain-http', 'fastcgi-protocol-mismatch', 'grpc-to-http1-backend', 'upstream-not-http'].includes(x.cause.id)) {
        push(`the backend comes from ${t.node.d.name} ${t.node.d.args[0]?.value ?? ''} (${where(t.node)})`);
        const group = m.upstreams.get(t.host.replace(/:\d+$/, ''));
        if (group) for (const g of group) push(`upstream ${g.d.args[0]?.value} is defined at ${where(g)}`);
      }
    }
    if (x.cause.id === 'upstream-permission-denied' && x.upstream) {
      push(/\/\/unix:/.test(x.upstream) ? 'the peer is a unix socket: check its file permissions against the nginx worker user' : 'the peer is a TCP address: on SELinux systems check httpd_can_network_connect');
    }
    const unixPeer = x.upstream !== null && /(^|\/\/)unix:/.test(x.upstream);
    for (const c of x.cause.checks) {
      if (x.upstream !== null && !unixPeer && /unix socket/i.test(c) && !/TCP/.test(c)) continue;
      if (unixPeer && /bound to 127\.0\.0\.1/.test(c)) continue;
      push(c);
    }
    if (x.entry.kind === 'access' && x.cause.id === 'unknown') {
      push(`the access log only has the status; the error log line of ${x.time ?? 'the same time'} for this request names the cause (run explain on the error log)`);
      if (x.status === 504) push('504 means a timeout: connecting (proxy_connect_timeout), sending (proxy_send_timeout) or waiting for the response header (proxy_read_timeout)');
      if (x.status === 502) push('502 means nginx could not get a valid response header: refused or reset connections, a crash, invalid or too big headers, TLS or DNS failures');
    }
    return out;
  }
}

// ----- helpers ------------------------------------------------------------------------------------

export interface UpstreamField {
  schema: string;
  peer: string;
  uri: string;
}

/** Splits `upstream: "http://127.0.0.1:8080/x"` (or `fastcgi://unix:/run/php.sock:`) into its parts. */
export function parseUpstream(text: string): UpstreamField {
  const s = /^([a-z0-9+.-]+:\/\/)?(.*)$/.exec(text)!;
  const schema = s[1] ?? '';
  const rest = s[2]!;
  if (rest.startsWith('unix:')) {
    const i = rest.indexOf(':', 5);
    return i < 0 ? { schema, peer: rest, uri: '' } : { schema, peer: rest.slice(0, i), uri: rest.slice(i + 1) };
  }
  if (rest.startsWith('[')) {
    const m = /^(\[[^\]]*\](?::\d+)?)(.*)$/.exec(rest)!;
    return { schema, peer: m[1]!, uri: m[2]! };
  }
  const i = rest.indexOf('/');
  return i < 0 ? { schema, peer: rest, uri: '' } : { schema, peer: rest.slice(0, i), uri: rest.slice(i) };
}

/** The *_pass directives that apply in a location (also inside its if/limit_except blocks). */
export function passTargets(block: ConfigNode, serverLevel = false): PassTarget[] {
  const out: PassTarget[] = [];
  const visit = (n: ConfigNode, depth: number): void => {
    for (const c of n.children) {
      const mod = PASS_MODULE[c.d.name];
      if (mod && c.d.args[0] && !serverLevel) out.push(passTarget(c, mod, c.d.args[0].value));
      if (depth === 0 && (c.d.name === 'if' || c.d.name === 'limit_except') && c.children.length) visit(c, 1);
    }
  };
  visit(block, 0);
  return out;
}

function passTarget(node: ConfigNode, module: Module, arg: string): PassTarget {
  const hasVariables = arg.includes('$');
  let schemas: string[];
  let rest = arg;
  const sm = /^([a-z]+):\/\//i.exec(arg);
  if (sm) rest = arg.slice(sm[0].length);
  switch (module) {
    case 'proxy':
      schemas = sm ? [`${sm[1]!.toLowerCase()}://`] : hasVariables ? ['http://', 'https://'] : ['http://'];
      break;
    case 'grpc':
      schemas = sm ? [`${sm[1]!.toLowerCase()}://`] : ['grpc://'];
      break;
    case 'uwsgi':
      schemas = sm ? [`${sm[1]!.toLowerCase()}://`] : ['uwsgi://'];
      break;
    default:
      schemas = [`${module}://`];
  }
  let host: string;
  if (rest.startsWith('unix:')) {
    const i = rest.indexOf(':', 5);
    host = i < 0 ? rest : rest.slice(0, i);
  } else {
    const i = rest.indexOf('/');
    host = i < 0 ? rest : rest.slice(0, i);
  }
  return { node, module, schemas, host: hasVariables ? '' : host, hasVariables };
}

/** An address as nginx logs peers: "127.0.0.1:80", "[::1]:8080", "unix:/x"; host names are unresolved. */
function normAddr(a: string, defaultPort: number): { addrs: string[]; unresolved: boolean } {
  if (a.startsWith('unix:')) return { addrs: [a], unresolved: false };
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
  if (v6) return { addrs: [`[${v6[1]}]:${v6[2] ?? defaultPort}`], unresolved: false };
  const m = /^([^:]+)(?::(\d+))?$/.exec(a);
  if (!m) return { addrs: [], unresolved: true };
  const host = m[1]!;
  const port = m[2] ?? String(defaultPort);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return { addrs: [`${host}:${port}`], unresolved: false };
  if (host.toLowerCase() === 'localhost') return { addrs: [`127.0.0.1:${port}`, `[::1]:${port}`], unresolved: false };
  return { addrs: [], unresolved: true };
}

function best(fits: ('yes' | 'possible' | 'no')[]): 'yes' | 'possible' | 'no' {
  return fits.includes('yes') ? 'yes' : fits.includes('possible') ? 'possible' : 'no';
}

function hostPort(host: string): number | null {
  const m = /:(\d+)$/.exec(host);
  return m && !/^\[[^\]]*$/.test(host) ? Number(m[1]) : null;
}

function shortServer(s: ServerInfo): string {
  return s.names.length ? s.names[0]! : '(no server_name)';
}


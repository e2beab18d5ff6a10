// Linking: which server block and location made the upstream attempt a log line records, and how
// sure that is. The server comes from the line's `server:` field (the first server_name of the
// chosen block, nginx-facts §1.3), narrowed by the Host header; the location from matching the
// logged request line exactly as nginx does (match/); the `upstream:` field (schema, peer address
// or group name) confirms the location or picks among candidates (try_files fallbacks, several
// servers with one name). What to do about a failure is advice.ts; explain.ts puts both together.
import type { LogEntry } from './reader';
import { Matcher, type MatchResult } from '../match/matcher';
import type { LocationInfo } from '../match/locations';
import type { ServerInfo } from '../match/servers';
import type { RequestLine } from '../match/uri';
import { validateHost } from '../match/uri';
import { toBytes } from '../match/bytes';
import { loggedSchemes, passNodesIn, type PassNode } from '../upstream/pass-target';

export type Confidence = 'exact' | 'likely' | 'ambiguous';

export interface Candidate {
  server: ServerInfo;
  location: LocationInfo | null;
  why: string;
}

/** What a log line says about the request it records: the input of linking. */
export interface LogFacts {
  entry: LogEntry;
  request: RequestLine | null;
  /** The `server:` value (error log) or $server_name (access log). */
  serverName: string | null;
  host: string | null;
  upstream: string | null;
}

/** Where a request was handled. */
export interface Link {
  server: ServerInfo | null;
  location: LocationInfo | null;
  confidence: Confidence;
  candidates: Candidate[];
  reasons: string[];
}

/** Links log lines to the blocks of one config. */
export class Linker {
  /** Links depend only on server name, host, path and upstream peer: big logs repeat them a lot. */
  private readonly cache = new Map<string, Link>();

  constructor(readonly matcher: Matcher) {}

  /**
   * The server block and location that handled the request of a log line. `knownFailure`: the line
   * reports an upstream failure of a known cause, so the block that made the attempt has a *_pass.
   */
  link(x: LogFacts, knownFailure: boolean): Link {
    const path = x.request ? x.request.target.replace(/[?#].*$/, '') : '';
    const peer = x.upstream === null ? '' : x.upstream.split(/, | : /).map((u) => { const f = parseUpstream(u); return f.schema + f.peer; }).join(',');
    const needsPass = x.entry.kind === 'error' ? x.upstream !== null || knownFailure : true;
    const key = x.request ? `${x.entry.kind}\0${x.serverName}\0${x.host}\0${path}\0${peer}\0${needsPass}` : '';
    const hit = key ? this.cache.get(key) : undefined;
    if (hit) return { ...hit, reasons: [...hit.reasons] };
    const l: Link = { server: null, location: null, confidence: 'ambiguous', candidates: [], reasons: [] };
    this.linkUncached(x, needsPass, l);
    if (key) {
      if (this.cache.size >= 20_000) this.cache.clear();
      this.cache.set(key, { ...l, reasons: [...l.reasons] });
    }
    return l;
  }

  private linkUncached(x: LogFacts, needsPass: boolean, out: Link): void {
    const m = this.matcher;
    if (!x.request) {
      if (x.entry.kind === 'error' && x.entry.context.client !== undefined && x.entry.context.request === undefined) {
        out.reasons.push('the line has no request (a connection-level event), so no location handled it');
      } else if (x.entry.kind === 'error' && x.entry.context.client === undefined) {
        out.reasons.push('the line has no client context (a process-level event)');
      } else out.reasons.push('the request line is missing or cut off, so the location cannot be matched');
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
    out.reasons.push(serverHow);
    if (!servers.length) {
      out.reasons.push('no server block found');
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
    const scored = options.map((o) => {
      const targets = o.location ? passNodesIn(o.location.node) : passNodesIn(o.server.node, true);
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
    out.reasons.push(...primary.flatMap((p) => p.result.reason.map((r) => `${servers.length > 1 ? `[${shortServer(p.server)}] ` : ''}${r}`)));
    const chosen = bestOnes.length === 1 ? bestOnes[0]! : null;
    if (chosen) {
      out.server = chosen.server;
      out.location = chosen.location;
      let conf: Confidence = 'exact';
      if (servers.length > 1 || narrowedByHost) conf = 'likely';
      if (!chosen.primary) conf = 'likely';
      if (!chosen.result.certain && chosen.primary) conf = 'likely';
      if (chosen.fit === 'possible' || (chosen.fit === 'none' && needsPass)) conf = conf === 'exact' ? 'likely' : conf;
      if (chosen.fit === 'no') conf = 'ambiguous';
      out.confidence = conf;
      if (up && chosen.fit === 'yes') out.reasons.push(`the upstream "${x.upstream}" agrees with ${chosen.targets.map((t) => `${t.node.d.name} ${t.node.d.args[0]?.value ?? ''}`).join(', ')}`);
      if (chosen.fit === 'no') out.reasons.push(`the upstream "${x.upstream}" does not fit the ${chosen.location ? 'location' : 'server'}'s *_pass; the log may come from another config version`);
      if (chosen.fit === 'none' && needsPass) out.reasons.push('the matched location has no *_pass directive');
    } else {
      const uniqueServers = [...new Set(bestOnes.map((b) => b.server))];
      const uniqueLocations = [...new Set(bestOnes.map((b) => b.location?.node ?? null))];
      if (uniqueServers.length === 1) out.server = uniqueServers[0]!;
      if (uniqueLocations.length === 1 && uniqueLocations[0]) {
        // several server blocks, one location (a file included into each): the location is known
        out.location = bestOnes[0]!.location;
        out.confidence = 'likely';
        out.reasons.push(`${bestOnes.length} server blocks fit, all through the same location (an included file)`);
      } else {
        out.confidence = 'ambiguous';
        out.reasons.push(`${bestOnes.length} candidates fit equally well: the log line does not say which ${uniqueServers.length > 1 ? 'server block (address:port)' : 'location'} took the request`);
      }
    }
    for (const o of scored) {
      if (chosen && o.server === chosen.server && o.location === chosen.location) continue;
      if (rank(o.fit) < 0 && !o.primary) continue;
      out.candidates.push({ server: o.server, location: o.location, why: `${o.why}; upstream fit: ${o.fit}` });
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

  private fits(p: PassNode, up: UpstreamField): 'yes' | 'possible' | 'no' {
    const t = p.target;
    if (up.schema && !loggedSchemes(t).includes(up.schema)) return 'no';
    if (t.hasVariables) return 'possible';
    const group = this.matcher.model.upstreams.get(t.address.replace(/:\d+$/, ''));
    if (group) {
      const name = t.address.replace(/:\d+$/, '');
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
    const a = normAddr(t.address, defPort);
    if (a.unresolved) return 'possible';
    return a.addrs.includes(up.peer) ? 'yes' : 'no';
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

export function shortServer(s: ServerInfo): string {
  return s.names.length ? s.names[0]! : '(no server_name)';
}


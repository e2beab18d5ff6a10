// Linking: which server block and location made the upstream attempt a log line records, and how
// sure that is.
//
// 1. Server blocks: those whose first server_name is the line's `server:` value (several blocks
//    can log one name: certbot's port-80 redirect next to the 443 proxy), else those the Host
//    header selects.
// 2. Places that can make an attempt for the request (attempts.ts): the location the URI selects
//    and every location error_page / try_files can move the request to. A block where none exists
//    (it returns before any location, or the location has no *_pass) cannot have written the line.
// 3. The `upstream:` field (fit.ts): its peer must be one the place connects to, its URI what the
//    place sends. Places that contradict it are out.
// 4. What is left decides: one place is `exact`; weaker evidence (host names, Host port, listen
//    ports, regexes that could not be evaluated, a peer that fits nothing) gives `likely` with one
//    sentence why; two places that fit equally give `ambiguous` with both listed. Identical lines
//    of one request from two steps of an error_page chain are told apart by their order
//    (RequestHistory, fed by the caller with the lines of one log in order).
// What to do about a failure is advice.ts; explain.ts puts both together.
import type { LogEntry } from './reader';
import type { Matcher, MatchResult } from '../match/matcher';
import { describe, type LocationInfo } from '../match/locations';
import type { ServerInfo } from '../match/servers';
import type { RequestLine } from '../match/uri';
import { validateHost } from '../match/uri';
import { toBytes } from '../match/bytes';
import { lineOf, type ConfigNode } from '../workspace/config-set';
import { attemptSites, type AttemptSite, type Attempts } from './attempts';
import { BoundedCache } from './bounded-cache';
import { parseUpstream, peerFit, uriFit, type PeerFit, type UpstreamField, type UriFit } from './fit';

export { parseUpstream, type UpstreamField } from './fit';

export type Confidence = 'exact' | 'likely' | 'ambiguous';

/** What each confidence means, in one sentence (shown where the confidence is: CLI, report, editor). */
export const CONFIDENCE_MEANING: Readonly<Record<Confidence, string>> = {
  exact: 'exact: no other place in the config can have written this line (server name, URI and upstream agree).',
  likely: 'likely: the best fit, but the line does not prove it; "why" says what is uncertain.',
  ambiguous: 'ambiguous: several places fit the line equally; they are listed as candidates with why.',
};

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
  /** The line's cause, when known: resolver failures come from a *_pass with variables. */
  cause?: { id: string };
}

/** Where a request was handled. */
export interface Link {
  server: ServerInfo | null;
  location: LocationInfo | null;
  confidence: Confidence;
  candidates: Candidate[];
  reasons: string[];
  /** One sentence on what keeps the answer from being exact; null when it is exact. */
  why: string | null;
  /** The answer depends on the earlier lines of the same request (identical lines from two steps of a chain). */
  orderDependent: boolean;
  /** The step of the request's chain the answer is at (0: the location the URI selects). */
  step: number;
  /** How the request got to the answer's location from the one its URI selects (error_page, try_files), in words; [] when it is that one. */
  via: string[];
}

/** A place considered for one line. */
interface Option {
  server: ServerInfo;
  /** null: the block cannot make an attempt for this request (then `location` is what the URI selects). */
  site: AttemptSite | null;
  location: LocationInfo | null;
  result: MatchResult;
  peer: PeerFit | 'none';
  uri: UriFit;
  /** 2: the block takes the logged Host on the logged port; 1: on some port; 0: not. */
  host: number;
}

/** The cached part of a link, and the options an order decision picks from. */
interface Base {
  link: Link;
  tie: Option[] | null;
  /** How many server blocks include the places of the answer (an included file); 1: one block. */
  sharedBy: number;
}

const RESOLVER_CAUSES = new Set(['no-resolver', 'upstream-unresolved']);

/**
 * Entries per generation of the Linker's caches (each holds at most twice as many). A cached link
 * is ~1.2 KB, cached attempt sites ~2.3 KB (1,000-server tree): the defaults keep both under
 * ~100 MB for long-running users (tail); a one-shot `explain` of a big log takes bigger ones.
 */
export interface LinkCacheSizes {
  links: number;
  attempts: number;
}
export const DEFAULT_LINK_CACHES: LinkCacheSizes = { links: 20_000, attempts: 10_000 };

/** Links log lines to the blocks of one config. */
export class Linker {
  /** Links depend only on server name, host, path and upstream: big logs repeat them a lot. */
  private readonly cache: BoundedCache<string, Base>;
  /**
   * The attempt sites per (server block, request target, merge_slashes, and Host where the block
   * has rewrite-module directives that could read $host): a log with many distinct hosts, peers
   * and clients still asks about the same few URIs of each block.
   */
  private readonly attempts: BoundedCache<string, Attempts>;
  private readonly readsHost = new Map<ServerInfo, boolean>();

  constructor(readonly matcher: Matcher, sizes: LinkCacheSizes = DEFAULT_LINK_CACHES) {
    this.cache = new BoundedCache(sizes.links);
    this.attempts = new BoundedCache(sizes.attempts);
  }

  /**
   * The server block and location that made the attempt of a log line. `knownFailure`: the line
   * reports an upstream failure of a known cause, so the block that made it has a *_pass.
   * `history`: the earlier lines of the same log (in order); without it, identical lines of two
   * steps of one error_page chain stay ambiguous.
   */
  link(x: LogFacts, knownFailure: boolean, history?: RequestHistory | null): Link {
    const path = x.request ? x.request.target.replace(/[?#].*$/, '') : '';
    const needsPass = x.entry.kind === 'error' ? x.upstream !== null || knownFailure : true;
    const resolver = x.cause !== undefined && RESOLVER_CAUSES.has(x.cause.id);
    const key = x.request ? `${x.entry.kind}\0${x.serverName}\0${x.host}\0${path}\0${x.upstream?.replace(/\?.*$/, '') ?? ''}\0${needsPass}\0${resolver}` : '';
    let base = key ? this.cache.get(key) : undefined;
    if (!base) {
      base = this.linkUncached(x, path, needsPass, resolver);
      if (key) this.cache.set(key, base);
    }
    if (base.tie) return this.byOrder(x, base, history ?? null);
    const l = copy(base.link);
    if (history) history.note(x, l, l.step);
    return l;
  }

  private linkUncached(x: LogFacts, path: string, needsPass: boolean, resolver: boolean): Base {
    const out: Link = { server: null, location: null, confidence: 'ambiguous', candidates: [], reasons: [], why: null, orderDependent: false, step: 0, via: [] };
    const m = this.matcher;
    if (!x.request) {
      if (x.entry.kind === 'error' && x.entry.context.client !== undefined && x.entry.context.request === undefined) {
        out.reasons.push('the line has no request (a connection-level event), so no location handled it');
      } else if (x.entry.kind === 'error' && x.entry.context.client === undefined) {
        out.reasons.push('the line has no client context (a process-level event)');
      } else out.reasons.push('the request line is missing or cut off, so the location cannot be matched');
      out.why = out.reasons[0]!;
      return { link: out, tie: null, sharedBy: 1 };
    }
    // an absolute request line ("GET http://h:8080/x") names the host nginx used, not Host
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(x.request.target);
    const effectiveHost = absolute ? absolute[1]! : x.host;
    const hostBytes = effectiveHost !== null ? validateHost(toBytes(effectiveHost)) : null;
    const port = effectiveHost !== null ? hostPort(effectiveHost) : null;
    // 1. server blocks
    let servers: readonly ServerInfo[];
    let serverHow: string;
    let byName = true;
    if (x.serverName !== null) {
      servers = m.serversLogging(x.serverName);
      serverHow = `server: "${x.serverName}" is logged by ${servers.length} server block(s)`;
      if (!servers.length) {
        byName = false;
        servers = this.byHost(hostBytes);
        serverHow = `no server block logs server: "${x.serverName}" (is this the config that wrote the log?); chose by host instead`;
      }
    } else {
      byName = false;
      servers = this.byHost(hostBytes);
      serverHow = hostBytes !== null ? `server chosen by the host "${effectiveHost}"` : 'the line names no server or host: every server block is a candidate';
    }
    out.reasons.push(serverHow);
    if (!servers.length) {
      out.reasons.push('no server block found');
      out.why = 'no server block of this config fits the line';
      return { link: out, tie: null, sharedBy: 1 };
    }
    const hostFit = (s: ServerInfo): number => {
      if (hostBytes === null || servers.length < 2) return 0;
      const entries = m.entries(s);
      const takes = entries.filter((en) => m.table.lookup(en, hostBytes).server === s);
      if (takes.some((en) => port === null || en.port === port)) return port === null ? 1 : 2;
      return takes.length ? 1 : 0;
    };
    // 2. the places that can make an attempt, per block
    const target = x.request.target;
    const options: Option[] = [];
    const noAttempt = new Map<ServerInfo, string>();
    for (const s of servers) {
      // the URI is normalised with merge_slashes of the default server of the address:port the
      // request came in on; when the server's addresses disagree on it, try each value
      const entries = m.entries(s);
      const onPort = entries.filter((en) => en.port === port);
      const merges = [...new Set((onPort.length ? onPort : entries).map((en) => m.flag(en.defaultServer.node, 'merge_slashes', true)))];
      const h = hostFit(s);
      for (const merge of merges.length ? merges : [true]) {
        const a = this.attemptsOf(s, target, x.host ?? '', merge);
        if (!a.sites.length) {
          options.push({ server: s, site: null, location: a.result.location, result: a.result, peer: 'none', uri: 'unknown', host: h });
          noAttempt.set(s, whyNoAttempt(a.result));
        }
        for (const site of a.sites) {
          if (options.some((o) => o.server === s && o.site && o.site.location === site.location && o.site.uri === site.uri)) continue;
          options.push({ server: s, site, location: site.location, result: a.result, peer: 'none', uri: 'unknown', host: h });
        }
      }
    }
    const primary = options.find((o) => o.site?.step === 0 || !o.site) ?? options[0]!;
    out.reasons.push(...primary.result.reason.map((r) => `${servers.length > 1 ? `[${shortServer(primary.server)}] ` : ''}${r}`));
    // 3. blocks that cannot make the attempt cannot have written the line
    // a line that is no upstream attempt (limit_req, a client that went away) is written where the
    // URI leads, before any error_page or try_files redirect
    let pool = needsPass ? options : options.filter((o) => !o.site || o.site.step === 0);
    const attempting = options.filter((o) => o.site);
    if (needsPass && attempting.length) {
      pool = attempting;
      for (const [s, why] of noAttempt) {
        if (!attempting.some((o) => o.server === s)) out.reasons.push(`${serverText(s)} cannot have made an upstream attempt for "${path}": ${why}`);
      }
    }
    // 4. the upstream field
    const up = peersOf(x);
    for (const o of pool) {
      if (!o.site) continue;
      if (!up) {
        // resolver failures happen only where the *_pass has variables
        o.peer = resolver ? (o.site.passes.some((p) => p.target.address.includes('$')) ? 'yes' : 'no') : 'yes';
        continue;
      }
      let best: PeerFit = 'no';
      for (const u of up) {
        const f = peerFit(m.model, o.site.passes, u);
        if (f === 'yes' || (f === 'possible' && best === 'no')) best = f;
      }
      o.peer = best;
      o.uri = up.length === 1 && x.entry.kind === 'error' && !(x.entry.kind === 'error' && x.entry.truncated) ? uriFit(o.site, up[0]!, target) : 'unknown';
    }
    let live = pool.filter((o) => o.peer !== 'no' && o.uri !== 'no');
    let note: string | null = null;
    if (!live.length) {
      live = pool.filter((o) => o.peer !== 'no');
      if (live.length) note = `the URI in the upstream field "${x.upstream}" is not what ${live.length > 1 ? 'these places send' : 'this place sends'} (a rewrite or an X-Accel-Redirect may have changed it)`;
    }
    if (!live.length) {
      // nothing fits the peer: the URI match still holds (a log from another config version, NAT)
      live = pool.filter((o) => !o.site || o.site.step === 0);
      if (!live.length) live = pool;
      const passes = live.flatMap((o) => o.site?.passes ?? []).slice(0, 2);
      if (up && passes.length) note = `the upstream peer "${up.map((u) => u.peer).join(', ')}" does not match ${passes.map((p) => `${p.node.d.name} ${p.node.d.args[0]?.value ?? ''} (${where(p.node)})`).join(' or ')}: the log may come from another version of the config, or the address is translated (NAT, containers)`;
      else if (needsPass) note = 'no location on the way has a *_pass directive, so none of them can have made an upstream attempt';
    }
    // 5. decide
    const peerRank = (o: Option): number => (o.peer === 'yes' ? 2 : o.peer === 'possible' ? 1 : o.peer === 'none' ? (needsPass ? 0 : 2) : -1);
    const uriRank = (o: Option): number => (o.uri === 'yes' ? 1 : 0);
    const topPeer = Math.max(...live.map(peerRank));
    let best = live.filter((o) => peerRank(o) === topPeer);
    const topUri = Math.max(...best.map(uriRank));
    best = best.filter((o) => uriRank(o) === topUri);
    // a file included into several blocks gives each block its own nodes of the same locations:
    // when every block offers the same places, the place is known and the block is not
    const servers2 = [...new Set(best.map((o) => o.server))];
    const sets = servers2.map((s) => best.filter((o) => o.server === s).map(placeKey).sort().join('\n'));
    const sharedBy = servers2.length > 1 && sets.every((k) => k === sets[0]) && best[0]!.location ? servers2.length : 1;
    if (sharedBy > 1) best = best.filter((o) => o.server === servers2[0]);
    const answers = unique(best);
    const others = unique(live).filter((a) => !answers.some((b) => b.location?.node.d === a.location?.node.d && (sharedBy > 1 || b.server === a.server)));
    let chosen: Option | null = null;
    let why: string | null = note;
    const oneServer = sharedBy > 1 || servers2.length === 1;
    if (answers.length === 1) {
      chosen = best[0]!;
      if (!why && others.length) {
        const o = others[0]!;
        why = `${placeText(o)} fits the line too, less well (upstream peer: ${o.peer}${o.uri === 'unknown' ? '' : `, URI: ${o.uri}`})`;
      }
    } else {
      const byHost = narrow(best, (o) => o.host);
      const certainOnes = best.filter((o) => o.site?.certain !== false);
      if (oneServer && certainOnes.length && unique(certainOnes).length === 1 && certainOnes.length < best.length) {
        chosen = certainOnes[0]!;
        const alt = best.find((o) => o.site?.certain === false)!;
        why = why ?? `${placeText(alt)} may take the request instead: a regex or an if there could not be evaluated`;
      } else if (oneServer && new Set(best.map((o) => o.site?.step)).size === best.length) {
        // identical lines from two steps of one chain: the order of the request's lines decides
        out.server = sharedBy > 1 ? null : best[0]!.server;
        out.reasons.push(`the same line can come from ${best.map((o) => placeText(o)).join(' and from ')}`);
        this.addCandidates(out, live, null);
        return { link: out, tie: [...best].sort((a, b) => a.site!.step - b.site!.step), sharedBy };
      } else if (!oneServer && unique(byHost).length === 1) {
        chosen = byHost[0]!;
        why = why ?? `${servers2.length} server blocks can have made this attempt; the Host header "${x.host}" selects ${serverText(chosen.server)}${port === null ? '' : ` on port ${port}`}`;
      } else if (!oneServer) {
        const onDefault = narrow(byHost, (o) => (port === null && o.server.listens.some((l) => l.port === 80 || l.port === 443) ? 1 : 0));
        if (port === null && unique(onDefault).length === 1 && onDefault.length < byHost.length) {
          chosen = onDefault[0]!;
          why = why ?? `${servers2.length} server blocks can have made this attempt; the Host header has no port, so the one listening on port 80 or 443 is the likely one`;
        }
      }
      if (!chosen) {
        if (oneServer && sharedBy === 1) out.server = servers2[0]!;
        out.confidence = 'ambiguous';
        out.why = `${answers.length} places fit the line equally well: ${answers.map((o) => placeText(o)).join('; ')}${!oneServer ? ' (the line does not say which server block, i.e. which address:port, took the request)' : ''}`;
        out.reasons.push(`${answers.length} candidates fit equally well: the log line does not say which ${!oneServer ? 'server block (address:port)' : 'location'} took the request`);
        this.addCandidates(out, live, null);
        return { link: out, tie: null, sharedBy };
      }
    }
    out.server = chosen.server;
    out.location = chosen.location;
    const site = chosen.site;
    out.step = site?.step ?? 0;
    out.via = site ? [...site.via] : [];
    if (site?.via.length) out.reasons.push(...site.via);
    if (up && chosen.peer === 'yes') out.reasons.push(`the upstream "${x.upstream}" agrees with ${site!.passes.map((p) => `${p.node.d.name} ${p.node.d.args[0]?.value ?? ''} (${where(p.node)})`).join(', ')}`);
    if (chosen.uri === 'yes') out.reasons.push('the URI in the upstream field is the one this location sends');
    if (!why && chosen.peer === 'possible') {
      const p = site!.passes[0]!;
      why = up
        ? `the peer "${up.map((u) => u.peer).join(', ')}" can come from ${p.node.d.name} ${p.node.d.args[0]?.value ?? ''} (${where(p.node)}), whose host name or variables nginx resolves at run time, which the config alone cannot confirm`
        : `${p.node.d.name} ${p.node.d.args[0]?.value ?? ''} (${where(p.node)}) can have made this attempt, but the line names no peer to confirm it`;
    }
    if (!why && site && !site.certain) why = 'a regex, an if or a variable on the way could not be evaluated, so another location may have taken the request';
    if (!why && !site && needsPass) why = `${chosen.location ? describe(chosen.location) : 'the server level'} has no *_pass directive, so it cannot have made an upstream attempt; this is only where the URI leads`;
    if (!why && !site && !chosen.result.certain) why = 'a regex, an if or a variable on the way could not be evaluated, so another location may have taken the request';
    if (sharedBy > 1) {
      out.server = null;
      why = why ?? sharedText(sharedBy, chosen.location!);
      out.reasons.push(`${sharedBy} server blocks fit, all through the same location (an included file)`);
    }
    out.why = why;
    out.confidence = why ? 'likely' : 'exact';
    if (!byName && out.confidence === 'exact' && x.serverName !== null) {
      out.confidence = 'likely';
      out.why = `no server block logs server: "${x.serverName}", so the log may come from another version of the config; the Host header chose this one`;
    }
    this.addCandidates(out, live, chosen);
    return { link: out, tie: null, sharedBy };
  }

  /** Picks among identical lines of one request's chain by the lines before it. */
  private byOrder(x: LogFacts, base: Base, history: RequestHistory | null): Link {
    const tie = base.tie!;
    const l = copy(base.link);
    l.orderDependent = true;
    const names = tie.map((o) => placeText(o)).join(' and from ');
    const pick = history ? history.pick(x, tie.map((o) => o.site!.step), this.groupSize(x)) : null;
    if (pick === null) {
      l.confidence = 'ambiguous';
      l.why = `the same line can come from ${names}; which one depends on the request's earlier lines, explain them together`;
      return l;
    }
    const chosen = tie.find((o) => o.site!.step === pick)!;
    l.location = chosen.location;
    l.step = pick;
    l.via = [...chosen.site!.via];
    l.confidence = 'likely';
    l.why = `the same line can come from ${names}; the request's earlier lines in this log put it at step ${pick + 1} of the chain${base.sharedBy > 1 ? `, and ${base.sharedBy} server blocks include it` : ''}`;
    l.reasons.push(...chosen.site!.via);
    l.candidates = l.candidates.filter((c) => c.location !== chosen.location);
    history!.note(x, l, pick);
    return l;
  }

  /** The servers of the upstream group a "no live upstreams" line names; null when unknown (host names). */
  private groupSize(x: LogFacts): number | null {
    if (x.upstream === null) return null;
    const name = parseUpstream(x.upstream).peer;
    const groups = this.matcher.model.upstreams.get(name) ?? this.matcher.model.upstreams.get(name.toLowerCase());
    if (!groups) return null;
    let n = 0;
    for (const g of groups) {
      for (const s of g.children) {
        if (s.d.name !== 'server') continue;
        const a = s.d.args[0]?.value ?? '';
        if (!a.startsWith('unix:') && !/^(\d+\.\d+\.\d+\.\d+|\[[^\]]+\])(:\d+)?$/.test(a)) return null;
        n++;
      }
    }
    return n;
  }

  private addCandidates(out: Link, live: Option[], chosen: Option | null): void {
    const seen = new Set<string>();
    for (const o of live) {
      if (chosen && o.server === chosen.server && o.location === chosen.location) continue;
      const k = `${o.server.index}\0${o.location ? lineOf(o.location.node) + o.location.node.file.source.path : ''}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const how = o.site?.via.length ? o.site.via[o.site.via.length - 1]! : o.site ? (o.site.certain ? 'the location the URI selects' : 'may take the request (it could not be evaluated)') : 'the location the URI selects (it has no *_pass)';
      out.candidates.push({ server: o.server, location: o.location, why: `${how}; upstream peer fits: ${o.peer}${o.uri === 'unknown' ? '' : `; URI fits: ${o.uri}`}` });
    }
  }

  /** attemptSites(), cached; results that could not be evaluated in full are not kept. */
  private attemptsOf(s: ServerInfo, target: string, host: string, merge: boolean): Attempts {
    let reads = this.readsHost.get(s);
    if (reads === undefined) this.readsHost.set(s, (reads = hasRewrites(s.node)));
    const key = `${s.index}\0${merge ? 1 : 0}\0${reads ? host : ''}\0${target}`;
    let a = this.attempts.get(key);
    if (!a) {
      a = attemptSites(this.matcher, s, target, host, merge);
      if (a.result.certain && a.sites.every((x) => x.certain)) this.attempts.set(key, a);
    }
    return a;
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
}

/**
 * The lines of one log seen so far, per request (pid and connection number, request line): at
 * which step of its chain each request is, and which peers that step tried. nginx tries a peer at
 * most once per location (its "tried" bitmap), so a second failure of the same peer means the next
 * location; "no live upstreams" after every server of the group was tried, too.
 */
export class RequestHistory {
  private readonly requests = new Map<string, { request: string; step: number; failed: Set<string>; tried: Set<string>; noLive: boolean }>();

  /** `limit`: connections remembered before the history starts again (a tail of many logs gives each a share). */
  constructor(private readonly limit = 50_000) {}

  private keys(x: LogFacts): { conn: string; request: string; peer: string; cause: string } | null {
    const e = x.entry;
    if (e.kind !== 'error' || e.connection === undefined || !x.request) return null;
    return {
      conn: `${e.pid}#${e.connection}`,
      request: `${x.request.method} ${x.request.target}\0${x.serverName}\0${x.host}`,
      peer: x.upstream === null ? '' : parseUpstream(x.upstream).peer,
      cause: x.cause?.id ?? '',
    };
  }

  /**
   * The step of `steps` (ascending) this line is at; null when the line has no connection or
   * request. `groupSize`: how many servers the group named by a "no live upstreams" line has.
   */
  pick(x: LogFacts, steps: number[], groupSize: number | null): number | null {
    const k = this.keys(x);
    if (!k) return null;
    const r = this.requests.get(k.conn);
    if (!r || r.request !== k.request) return steps[0]!;
    // the next location of the chain; past its end, a new request on the same connection
    const next = steps.find((s) => s > r.step) ?? steps[0]!;
    const stay = steps.includes(r.step) ? r.step : next;
    if (k.cause === 'upstream-server-disabled') return stay;
    if (k.cause === 'no-live-upstreams') return r.noLive || (groupSize !== null && r.tried.size >= groupSize) ? next : stay;
    return r.failed.has(k.peer) ? next : stay;
  }

  /** Records that this line was linked at `step`. */
  note(x: LogFacts, l: Link, step: number): void {
    const k = this.keys(x);
    if (!k || !l.location) return;
    let r = this.requests.get(k.conn);
    if (!r || r.request !== k.request || step < r.step) {
      if (this.requests.size >= this.limit) this.requests.clear();
      this.requests.set(k.conn, (r = { request: k.request, step, failed: new Set(), tried: new Set(), noLive: false }));
    }
    if (step !== r.step) {
      r.step = step;
      r.failed = new Set();
      r.tried = new Set();
      r.noLive = false;
    }
    if (k.cause === 'no-live-upstreams') r.noLive = true;
    else if (k.peer) {
      r.tried.add(k.peer);
      if (k.cause !== 'upstream-server-disabled') r.failed.add(k.peer);
    }
  }
}

// ----- helpers ------------------------------------------------------------------------------------

/** The rewrite-module directives that can read a variable ($host among them) on a request's way. */
const READS_VARIABLES = new Set(['rewrite', 'return', 'set', 'if']);

/** Whether a block or anything in it (locations, includes) has one of READS_VARIABLES. */
function hasRewrites(node: ConfigNode): boolean {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    for (const c of n.children) {
      if (READS_VARIABLES.has(c.d.name)) return true;
      if (c.children.length) stack.push(c);
    }
  }
  return false;
}

function copy(l: Link): Link {
  return { ...l, reasons: [...l.reasons], candidates: [...l.candidates], via: [...l.via] };
}

/** The peers of the line's upstream field: the error log names one; $upstream_addr lists attempts (", ") and redirects (" : "), the last redirect is the place that answered. */
function peersOf(x: LogFacts): UpstreamField[] | null {
  if (x.upstream === null) return null;
  const last = x.entry.kind === 'access' ? x.upstream.split(' : ').pop()! : x.upstream;
  const parts = (x.entry.kind === 'access' ? last.split(', ') : [last]).filter((p) => p && p !== '-');
  return parts.length ? parts.map(parseUpstream) : null;
}

/** The options with the highest value of `f`. */
function narrow(list: Option[], f: (o: Option) => number): Option[] {
  const top = Math.max(...list.map(f));
  return list.filter((o) => f(o) === top);
}

/** One option per place (server block and location). */
function unique(list: Option[]): Option[] {
  const out: Option[] = [];
  for (const o of list) if (!out.some((p) => p.server === o.server && p.location?.node.d === o.location?.node.d)) out.push(o);
  return out;
}

function whyNoAttempt(r: MatchResult): string {
  if (r.status !== null) return `it answers ${r.status}${r.location ? ` in ${describe(r.location)}` : ' before any location'}`;
  if (r.location) return `${describe(r.location)} has no *_pass and nothing on the way leads to one`;
  return 'no location matches and the server level has no *_pass';
}

function placeText(o: Option): string {
  const where_ = o.location ? describe(o.location) : `the server level of ${serverText(o.server)}`;
  const via = o.site?.via.length ? ` (after ${o.site.via[o.site.via.length - 1]})` : '';
  return `${where_}${via}`;
}

function sharedText(n: number, loc: LocationInfo): string {
  return `${n} server blocks include this location (${where(loc.node)}); the line does not say which of them took the request`;
}

/** Where a place is written (the same for every block that includes the file). */
function placeKey(o: Option): string {
  return o.location ? `${o.location.node.file.source.path}:${o.location.node.d.start}` : '';
}

function serverText(s: ServerInfo): string {
  return `server ${shortServer(s)} (${where(s.node)})`;
}

function where(n: LocationInfo['node']): string {
  return `${n.file.source.path}:${lineOf(n)}`;
}

function hostPort(host: string): number | null {
  const m = /:(\d+)$/.exec(host);
  return m && !/^\[[^\]]*$/.test(host) ? Number(m[1]) : null;
}

export function shortServer(s: ServerInfo): string {
  return s.names.length ? s.names[0]! : '(no server_name)';
}

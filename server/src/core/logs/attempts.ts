// Which locations of a server block can make an upstream attempt for one request: the location
// the URI selects, then every location nginx may move the request to when something fails there
// (error_page ... @named or /uri, with recursive_error_pages and proxy_intercept_errors) or when
// no file exists (try_files ... @named or /uri). Each one is an AttemptSite, with how the request
// got there (the step count and the directives) and the URI it had then: the `upstream:` field of
// a log line names the peer and the URI of the attempt that failed, and link.ts compares them
// with each site. Statuses follow ngx_http_special_response.c (error pages) and
// ngx_http_core_module.c (try_files, internal redirects, named locations).
import { lineOf } from '../workspace/config-set';
import type { Matcher, MatchResult } from '../match/matcher';
import { describe, type LocationInfo } from '../match/locations';
import type { ServerInfo } from '../match/servers';
import { fromBytes, toBytes } from '../match/bytes';
import { parseTarget } from '../match/uri';
import { passNodesIn, type PassNode } from '../upstream/pass-target';
import { upstreamDirective } from '../upstream/settings';

export interface AttemptSite {
  location: LocationInfo;
  passes: PassNode[];
  /** 0 for the location the URI selects (or its regex alternatives); +1 for every redirect after it. */
  step: number;
  /** How the request got here, in words, from the location the URI selects (empty for that one). */
  via: string[];
  /** The URI (text) when nginx changed it before this attempt (error_page or try_files to a URI, rewrite); null: the request's own. */
  uri: string | null;
  /** False when something on the way could not be evaluated (a regex, an `if`, variables). */
  certain: boolean;
}

export interface Attempts {
  /** The match of the request URI in the server block. */
  result: MatchResult;
  sites: AttemptSite[];
}

/** What an upstream failure makes the status (502 refused/reset/invalid, 504 timeouts, 500 bind, 503 limits). */
const FAILURE_STATUSES = [500, 502, 503, 504];
/** What a location that serves files may answer with when the file is not there or not readable. */
const STATIC_STATUSES = [403, 404];
/** nginx allows 10 URI changes (NGX_HTTP_MAX_URI_CHANGES). */
const MAX_STEPS = 10;

/** Every location of `server` that can make an upstream attempt for `target` (the raw request target). */
export function attemptSites(m: Matcher, server: ServerInfo, target: string, host: string, merge?: boolean): Attempts {
  const result = m.matchInServer(server, target, host, merge);
  const sites: AttemptSite[] = [];
  const seen = new Set<string>();
  const ids = new Map<object, number>();
  const idOf = (o: object): number => {
    let n = ids.get(o);
    if (n === undefined) ids.set(o, (n = ids.size));
    return n;
  };
  const original = parseTarget(toBytes(target), merge ?? true);
  const originalUri = original.ok ? fromBytes(original.uri) : null;

  const visit = (loc: LocationInfo | null, step: number, via: string[], uri: string | null, blocked: boolean, certain: boolean): void => {
    if (step > MAX_STEPS) return;
    const block = loc ? loc.node : server.node;
    const key = `${loc ? idOf(loc) : -1}\0${uri ?? ''}\0${blocked}`;
    if (seen.has(key)) return;
    seen.add(key);
    const passes = loc ? passNodesIn(loc.node) : [];
    if (loc && passes.length) sites.push({ location: loc, passes, step, via, uri, certain });
    const here = loc ? describe(loc) : `server ${server.names[0] ?? '""'}`;
    // the statuses this place can end with, for error_page
    const codes = new Set<number>();
    let intercept = false;
    if (passes.length) {
      for (const c of FAILURE_STATUSES) codes.add(c);
      intercept = passes.some((p) => m.flag(block, upstreamDirective('proxy_intercept_errors', p.target.module), false));
    }
    // try_files: a file if one exists, else the last argument (a URI, a named location or =code)
    const tf = block.children.find((c) => c.d.name === 'try_files');
    if (tf && tf.d.args.length >= 2) {
      const last = tf.d.args[tf.d.args.length - 1]!.value;
      const at = `try_files (${whereOf(tf)})`;
      if (/^=\d{3}$/.test(last)) codes.add(Number(last.slice(1)));
      else if (last.startsWith('@')) {
        const named = m.namedLocation(server, last);
        if (named) visit(named, step + 1, [...via, `${at} in ${here} falls back to ${describe(named)}`], uri, blocked, certain);
      } else {
        const path = last.replace(/\$is_args\$(args|query_string)$/, '');
        const q = path.indexOf('?');
        const p = q < 0 ? path : path.slice(0, q);
        if (p.startsWith('/') && !p.includes('$')) {
          const r = m.redirectInServer(server, { uri: toBytes(p), args: q < 0 ? '' : toBytes(path.slice(q + 1)) }, host, blocked);
          followRedirect(r, step + 1, [...via, `${at} in ${here} falls back to "${last}"`], blocked, certain);
        }
      }
    } else if (!passes.length && loc && !hasReturn(loc)) for (const c of STATIC_STATUSES) codes.add(c);
    if (blocked || (!codes.size && !intercept)) return;
    // error_page: the location's own, or inherited when it has none
    for (const p of m.model.effectiveNodes(block, 'error_page')) {
      const args = p.d.args.map((a) => a.value);
      let last = args.length - 1;
      const dest = args[last];
      if (dest === undefined || last < 1) continue;
      if (args[last - 1]!.startsWith('=')) last--;
      const listed = args.slice(0, last).map(Number);
      if (!listed.some((c) => codes.has(c) || (intercept && c >= 300))) continue;
      const recursive = m.flag(block, 'recursive_error_pages', false);
      const how = `error_page ${args.join(' ')} (${whereOf(p)}) in ${here}`;
      const nextBlocked = !recursive;
      if (dest.includes('$')) continue;
      if (dest.startsWith('@')) {
        const named = m.namedLocation(server, dest);
        if (!named) continue;
        const r = m.redirectInServer(server, { uri: toBytes(uri ?? originalUri ?? '/'), named: dest }, host, nextBlocked);
        // the named location's own rewrites may send it on; its content (try_files) too
        followRedirect(r, step + 1, [...via, how], nextBlocked, certain, uri);
      } else if (dest.startsWith('/')) {
        const q = dest.indexOf('?');
        const r = m.redirectInServer(server, { uri: toBytes(q < 0 ? dest : dest.slice(0, q)), args: q < 0 ? '' : toBytes(dest.slice(q + 1)) }, host, nextBlocked);
        followRedirect(r, step + 1, [...via, how], nextBlocked, certain);
      }
      // a full URL: the client is redirected (302), nothing more is attempted here
    }
  };

  /** Continues where a redirect ended (its final location and the alternatives it could not rule out). */
  const followRedirect = (r: MatchResult, step: number, via: string[], blocked: boolean, certain: boolean, keptUri?: string | null): void => {
    if (r.status !== null && !r.location) return;
    const uri = keptUri !== undefined && r.uri === fromBytes(toBytes(keptUri ?? originalUri ?? '/')) ? keptUri : r.uri;
    if (r.status === null) visit(r.location, step, via, uri, blocked, certain && r.certain);
    for (const c of r.candidates) visit(c, step, [...via, `${describe(c)} may take it instead`], uri, blocked, false);
  };

  if (result.status === null) {
    // rewrites in the server or location changed the URI: the attempt sends the new one
    const uri = originalUri !== null && result.uri !== originalUri ? result.uri : null;
    const via = result.chain.length > 1 ? [`internal redirects: ${result.chain.map((l) => describe(l)).join(' -> ')}`] : [];
    // try_files only decides which of its places makes the attempt, not whether the line is theirs
    visit(result.location, 0, via, uri, false, result.certain || result.byFiles === true);
    const reached = new Set(sites.map((s) => s.location));
    for (const c of result.candidates) {
      // regexes (or ifs) that could not be evaluated: alternatives of the match; try_files fallbacks were visited above
      if (reached.has(c) || result.byFiles) continue;
      visit(c, 0, [`${describe(c)} may take the request instead (it could not be evaluated)`], uri, false, false);
    }
  }
  return { result, sites };
}

function hasReturn(loc: LocationInfo): boolean {
  return loc.node.children.some((c) => c.d.name === 'return');
}

function whereOf(n: { file: { source: { path: string } } } & Parameters<typeof lineOf>[0]): string {
  return `${n.file.source.path}:${lineOf(n)}`;
}

// Does the `upstream:` field of a log line fit a location's *_pass? The field is
// "<schema><peer>[<sep><uri>]" (nginx-facts §1.4): the peer is the address nginx connected to (an
// IP:port, a unix socket, or the group's name when no peer was left), the URI what it sent. The
// peer is compared with the *_pass target or the servers of its upstream group; the URI with what
// nginx sends from that location (the request's own target, or the URI an error_page/try_files/
// rewrite gave it, with the location prefix replaced when proxy_pass has a URI part).
import type { Model } from '../model/model';
import { toBytes } from '../match/bytes';
import { normalizePath, parseTarget } from '../match/uri';
import { loggedSchemes, type PassNode } from '../upstream/pass-target';
import type { AttemptSite } from './attempts';

/** yes: the peer is one the *_pass connects to; possible: it may be (host names, variables); no: it is not. */
export type PeerFit = 'yes' | 'possible' | 'no';
/** yes: the URI is what this place sends; no: it is not; unknown: the line or the config does not tell. */
export type UriFit = 'yes' | 'no' | 'unknown';

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

/** The best fit of a peer among the *_pass directives of a place. */
export function peerFit(model: Model, passes: readonly PassNode[], up: UpstreamField): PeerFit {
  let best: PeerFit = 'no';
  for (const p of passes) {
    const f = fitOne(model, p, up);
    if (f === 'yes') return f;
    if (f === 'possible') best = f;
  }
  return best;
}

function fitOne(model: Model, p: PassNode, up: UpstreamField): PeerFit {
  const t = p.target;
  if (up.schema && !loggedSchemes(t).includes(up.schema)) return 'no';
  // the address may be literal even when the URI part has variables
  if (t.address.includes('$')) return 'possible';
  const name = t.address.replace(/:\d+$/, '');
  const group = model.upstreams.get(name) ?? model.upstreams.get(name.toLowerCase());
  if (group && t.unixPath === null) {
    if (up.peer === name || up.peer.toLowerCase() === name.toLowerCase()) return 'yes';
    let fit: PeerFit = 'no';
    for (const g of group) {
      for (const s of g.children) {
        if (s.d.name !== 'server' || !s.d.args[0]) continue;
        const f = addressFit(s.d.args[0].value, 80, up.peer);
        if (f === 'yes') return f;
        if (f === 'possible') fit = f;
      }
    }
    return fit;
  }
  // an implicit group: "no live upstreams" names the host as written
  if (up.peer === t.address || up.peer === t.host) return 'yes';
  return addressFit(t.address, up.schema === 'https://' || up.schema === 'grpcs://' ? 443 : t.defaultPort ?? 80, up.peer);
}

/** Does a configured address (IP, host name, unix socket; with or without port) fit the logged peer? */
export function addressFit(address: string, defaultPort: number, peer: string): PeerFit {
  if (address.startsWith('unix:')) return address === peer ? 'yes' : 'no';
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (v6) return `[${v6[1]!.toLowerCase()}]:${v6[2] ?? defaultPort}` === peer.toLowerCase() ? 'yes' : 'no';
  const m = /^([^:]+)(?::(\d+))?$/.exec(address);
  if (!m) return 'possible';
  const host = m[1]!;
  const port = m[2] ?? String(defaultPort);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return `${host}:${port}` === peer ? 'yes' : 'no';
  if (host.toLowerCase() === 'localhost') return peer === `127.0.0.1:${port}` || peer === `[::1]:${port}` ? 'yes' : 'no';
  // a host name nginx resolved at start-up: the port must still agree
  const peerPort = /:(\d+)$/.exec(peer)?.[1];
  return peerPort === undefined || peerPort === port ? 'possible' : 'no';
}

/**
 * Does the URI of the upstream field fit what this site sends? `target` is the raw request target
 * of the line; `merge` the merge_slashes in force (for comparing paths the way nginx normalises).
 */
export function uriFit(site: AttemptSite, up: UpstreamField, target: string): UriFit {
  if (!up.uri) return 'unknown';
  if (site.passes.length !== 1) return 'unknown';
  const t = site.passes[0]!.target;
  if (t.module !== 'proxy' || t.hasVariables) return 'unknown';
  const logged = canonical(toBytes(up.uri));
  if (logged === null) return 'unknown';
  let expected: string | null;
  if (!t.uri) {
    // the request's own target as sent, or the URI nginx gave it on the way
    expected = site.uri !== null ? canonical(toBytes(site.uri)) : requestUri(target);
  } else {
    const loc = site.location;
    if (loc.named || loc.modifier === '~' || loc.modifier === '~*') return 'unknown';
    const current = site.uri !== null ? toBytes(site.uri) : requestUri(target);
    if (current === null || !current.startsWith(loc.bytes)) return 'unknown';
    expected = canonical(toBytes(t.uri) + current.slice(loc.bytes.length));
  }
  if (expected === null) return 'unknown';
  return expected === logged ? 'yes' : 'no';
}

/** A path (bytes; query cut off) decoded and normalised, so that escapes and dot segments compare equal. */
function canonical(uri: string): string | null {
  const q = uri.search(/[?#]/);
  const path = q < 0 ? uri : uri.slice(0, q);
  if (!path.startsWith('/')) return null;
  const n = normalizePath(toBytes(path), true);
  return n.ok ? n.uri : null;
}

/** The request's URI (bytes), decoded and normalised. */
function requestUri(target: string): string | null {
  const t = parseTarget(toBytes(target), true);
  return t.ok ? t.uri : null;
}

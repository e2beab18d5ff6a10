// An http(s) URL as a request: the Host header, the port that picks the `listen`, the target.
export interface ParsedUrl {
  scheme: string;
  /** The authority as written: the Host header value. */
  host: string;
  port: number;
  /** Path and query exactly as written ("/" when empty). */
  target: string;
}

/** Splits a URL without normalising its path (WHATWG URL would resolve "..", re-encode, etc.). */
export function parseUrl(url: string): ParsedUrl | null {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?(\[[^\]]*\]|[^/?#:]*)(?::(\d*))?([/?#].*)?$/.exec(url);
  if (!m || !m[2]) return null;
  const scheme = (m[1] ?? 'http').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return null;
  const port = m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80;
  if (!(port >= 1 && port <= 65535)) return null;
  let target = m[4] ?? '/';
  if (!target.startsWith('/')) target = `/${target}`;
  // spaces go out percent-encoded, as browsers send them
  return { scheme, host: m[3] ? `${m[2]}:${m[3]}` : m[2], port, target: target.replace(/#.*$/, '').replace(/ /g, '%20') };
}

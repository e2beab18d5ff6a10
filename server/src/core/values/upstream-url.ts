// The address part of proxy_pass, fastcgi_pass and friends, checked the way ngx_parse_url reads
// it for an upstream (src/core/ngx_inet.c). unix: sockets and [IPv6] addresses are left alone.

/** nginx's error ("invalid host", "invalid port", "no host") for an address, or null. */
export function upstreamAddressError(url: string, uriAllowed: boolean): string | null {
  if (/^unix:/i.test(url) || url.startsWith('[')) return null;
  let last = url.length;
  let port = url.indexOf(':');
  let uri = url.indexOf('/');
  const args = url.indexOf('?');
  if (args >= 0 && (uri < 0 || args < uri)) uri = args;
  if (uri >= 0) {
    if (!uriAllowed) return 'invalid host';
    last = uri;
    if (port > uri) port = -1;
  }
  if (port >= 0) {
    const text = url.slice(port + 1, last);
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(n >= 1 && n <= 65535)) return 'invalid port';
    last = port;
  }
  return last === 0 ? 'no host' : null;
}

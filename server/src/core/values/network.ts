// Addresses and networks as nginx reads them (src/core/ngx_inet.c): ngx_inet_addr for dotted IPv4,
// ngx_ptocidr for "address[/bits]". IPv6 text is only checked loosely (hex digits, ":" and "."),
// so an address nginx would accept is never called invalid here.

/** The IPv4 address as a number, or null where ngx_inet_addr gives INADDR_NONE. */
export function parseIPv4(text: string): number | null {
  if (!/^[0-9.]+$/.test(text)) return null;
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let addr = 0;
  for (const p of parts) {
    const octet = p === '' ? 0 : Number(p);
    if (octet > 255) return null;
    addr = addr * 256 + octet;
  }
  // INADDR_NONE doubles as the error value: 255.255.255.255 itself is refused.
  return addr === 0xffffffff ? null : addr;
}

function looksLikeIPv6(text: string): boolean {
  return text.includes(':') && /^[0-9A-Fa-f:.]+$/.test(text);
}

/** True when ngx_ptocidr accepts "address" or "address/bits". */
export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v4 = parseIPv4(addr) !== null;
  if (!v4 && !looksLikeIPv6(addr)) return false;
  if (slash < 0) return true;
  const bits = text.slice(slash + 1);
  if (!/^\d+$/.test(bits)) return false;
  return Number(bits) <= (v4 ? 32 : 128);
}

/** True for a geo "ranges" entry: "a.b.c.d-e.f.g.h" with start <= end. */
export function isIPv4Range(text: string): boolean {
  const dash = text.indexOf('-');
  if (dash < 0) return false;
  const start = parseIPv4(text.slice(0, dash));
  const end = parseIPv4(text.slice(dash + 1));
  return start !== null && end !== null && start <= end;
}

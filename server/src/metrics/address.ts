// The address the metrics endpoint listens on: "PORT", "HOST:PORT" or "[IPV6]:PORT". Without a
// host it is 127.0.0.1: the endpoint shows which locations fail, which is nobody else's business
// unless the user says so by naming another address.
export class AddressError extends Error {}

export interface ListenAddress {
  host: string;
  /** 0: any free port (the one bound is printed). */
  port: number;
}

export const LOOPBACK = '127.0.0.1';

export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new AddressError(`--metrics must be PORT, HOST:PORT or [IPv6]:PORT (e.g. 127.0.0.1:9925), not "${text}"`);
  const host = m[1] ?? m[2] ?? '';
  if (host.startsWith('-')) throw new AddressError(`--metrics: "${host}" is not a host name`);
  return { host: host || LOOPBACK, port };
}

/** "127.0.0.1:9925", "[::1]:9925". */
export function formatAddress(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

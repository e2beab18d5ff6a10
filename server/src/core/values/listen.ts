// Reads the address part of a `listen` directive (http, stream, mail) into host and port, and
// checks the port the way ngx_parse_url does.

export interface ListenAddress {
  /** "*" for every IPv4 address, "[::]" style for IPv6, or a host/IP; "unix:/path" for sockets. */
  host: string;
  port: number | null;
  unix: boolean;
  /** Set when nginx would reject the port. */
  invalidPort?: string;
  /** A port range "8000-8010" (nginx 1.15.10+): its last port. */
  portEnd?: number;
  invalidRange?: boolean;
}

export function parseListen(arg: string, defaultPort = 80): ListenAddress {
  if (arg.startsWith('unix:')) return { host: arg, port: null, unix: true };
  let host = '*';
  let portText: string | undefined;
  const v6 = /^(\[[^\]]*\])(?::(.*))?$/.exec(arg);
  if (v6) {
    host = v6[1]!.toLowerCase();
    portText = v6[2];
  } else if (/^\d+$/.test(arg)) {
    portText = arg;
  } else {
    const i = arg.lastIndexOf(':');
    if (i >= 0) {
      host = arg.slice(0, i);
      portText = arg.slice(i + 1);
    } else host = arg;
  }
  if (host === '0.0.0.0') host = '*';
  if (portText === undefined) return { host, port: defaultPort, unix: false };
  const range = /^(\d+)-(\d+)$/.exec(portText);
  if (range) {
    const [lo, hi] = [Number(range[1]), Number(range[2])];
    if (lo >= 1 && hi <= 65535 && lo <= hi) return { host, port: lo, unix: false, portEnd: hi };
    return { host, port: null, unix: false, invalidPort: portText, invalidRange: true };
  }
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return { host, port: null, unix: false, invalidPort: portText };
  return { host, port, unix: false };
}

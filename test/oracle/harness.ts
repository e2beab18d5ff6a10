// Running real nginx for the oracle tier: free loopback ports, raw HTTP requests over node:net
// (so odd targets reach nginx byte for byte), and small helpers to read the answers.
import * as net from 'node:net';
import * as tls from 'node:tls';

/** `count` distinct ports in 20000-32699 that are free on every loopback address right now. */
export async function freePorts(count: number, avoid: Set<number> = new Set()): Promise<number[]> {
  const out: number[] = [];
  let attempts = 0;
  while (out.length < count) {
    if (++attempts > 500) throw new Error('could not find free ports');
    // below the kernel's ephemeral range (32768+), so a "closed" port can never be a local port
    // of an outgoing connection (nginx would connect to itself on loopback)
    const p = 20000 + Math.floor(Math.random() * 12700);
    if (avoid.has(p) || out.includes(p)) continue;
    if (await isFree(p)) out.push(p);
  }
  return out;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export interface RawResponse {
  /** HTTP status, or null when the connection failed / no status line came back. */
  status: number | null;
  headers: Map<string, string>;
  body: string;
  /** "ECONNREFUSED" and the like. */
  error?: string;
}

/** Sends raw bytes to addr:port and reads until the peer closes (or the timeout); `tls`: over TLS (any certificate), with this SNI name. */
export function rawRequest(addr: string, port: number, payload: string | Buffer, timeoutMs = 5000, tlsOpts?: { servername?: string }): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve(parseResponse(text, error));
    };
    const sock: net.Socket = tlsOpts ? tls.connect({ host: addr, port, rejectUnauthorized: false, ...(tlsOpts.servername ? { servername: tlsOpts.servername } : {}) }) : net.connect({ host: addr, port });
    sock.setTimeout(timeoutMs, () => finish('timeout'));
    sock.on(tlsOpts ? 'secureConnect' : 'connect', () => sock.write(typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

export function parseResponse(text: string, error?: string): RawResponse {
  const headers = new Map<string, string>();
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(text);
  if (!m) return { status: null, headers, body: text, ...(error ? { error } : {}) };
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { status: Number(m[1]), headers, body: headEnd < 0 ? '' : text.slice(headEnd + 4) };
}

/** Runs `fn` over items with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

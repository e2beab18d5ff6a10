// Is something listening at a backend address? One TCP connect (or unix socket connect), closed at
// once, nothing sent; bounded in time. The address is read like a *_pass target
// (core/upstream/pass-target.ts): "host:port", "[v6]:port", "host" (80, or 443 after https://),
// "unix:/path".
import { createConnection } from 'node:net';
import { parsePassTarget, socketAddress } from '../core/index';

const PROBE_TIMEOUT_MS = 3000;

export function probeBackend(address: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ ok: boolean; text: string }> {
  const t = parsePassTarget('proxy_pass', address.trim());
  const a = socketAddress(t.address, t.defaultPort);
  if (!a) return Promise.resolve({ ok: false, text: 'not an address that can be probed' });
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = a.kind === 'unix' ? createConnection({ path: a.host }) : createConnection({ host: a.host, port: a.port });
    const done = (ok: boolean, text: string): void => {
      sock.destroy();
      resolve({ ok, text });
    };
    sock.setTimeout(timeoutMs, () => done(false, `no answer within ${timeoutMs / 1000}s (timeout: a firewall drops packets, or the host is down)`));
    sock.once('connect', () => done(true, `connected in ${Date.now() - started} ms: something listens there`));
    sock.once('error', (e: NodeJS.ErrnoException) => done(false, `${e.code ?? 'error'}: ${e.message}`));
  });
}

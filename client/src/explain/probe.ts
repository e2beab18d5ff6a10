// "Probe upstream" in the explain report: a TCP connect (or unix socket) from this machine to an
// upstream server the report named, closed at once. Trusted workspaces only (the report checks).
import { createConnection } from 'node:net';

const PROBE_TIMEOUT_MS = 3000;

/** host:port / [v6]:port / unix:/path from an upstream `server` or *_pass address. */
export function probeTarget(address: string): { path: string } | { host: string; port: number } | null {
  let a = address.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (/^unix:/i.test(address.replace(/^[a-z]+:\/\//i, ''))) return { path: address.replace(/^[a-z]+:\/\//i, '').slice(5).replace(/:$/, '') };
  if (!a || a.includes('$')) return null;
  const secure = /^(https|grpcs):\/\//i.test(address);
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : secure ? 443 : 80 };
  const m = /^([^:]+)(?::(\d+))?$/.exec(a);
  if (!m) return null;
  a = m[1]!;
  return { host: a, port: m[2] ? Number(m[2]) : secure ? 443 : 80 };
}

export function probe(address: string): Promise<{ ok: boolean; text: string }> {
  const t = probeTarget(address);
  if (!t) return Promise.resolve({ ok: false, text: 'not an address that can be probed' });
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = 'path' in t ? createConnection({ path: t.path }) : createConnection({ host: t.host, port: t.port });
    const done = (ok: boolean, text: string): void => {
      sock.destroy();
      resolve({ ok, text });
    };
    sock.setTimeout(PROBE_TIMEOUT_MS, () => done(false, `no answer within ${PROBE_TIMEOUT_MS / 1000}s (timeout: a firewall drops packets, or the host is down)`));
    sock.once('connect', () => done(true, `connected in ${Date.now() - started} ms: something listens there`));
    sock.once('error', (e: NodeJS.ErrnoException) => done(false, `${e.code ?? 'error'}: ${e.message}`));
  });
}

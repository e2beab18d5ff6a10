// "Request through nginx" (opt-in, --request): one GET per failing location, sent from the host
// itself to nginx's own listen address over loopback, with the Host header and URI of the newest
// failing log line of that location. Never more than one request per location per run, and
// never anything but GET. This file picks the requests; scripts.ts REQUEST sends them.
import type { ConfigNode } from '../core/index';
import type { LogSummary } from './logs';

export interface RequestTarget {
  /** The failing location (its config node) the request is for. */
  location: ConfigNode;
  label: string;
  scheme: 'http' | 'https';
  /** The address connected to: loopback for a wildcard listen, else the listen address. */
  addr: string;
  port: number;
  host: string;
  target: string;
}

export interface RequestResult {
  /** Exit status of curl (or of the bash fallback); 0 when an answer came. */
  rc: number;
  status: number | null;
  /** Seconds to the first byte of the answer (the backend's time plus nginx's), and in all. */
  firstByte: number | null;
  total: number | null;
  message: string;
}

const SAFE_TARGET = /^\/[!-~]{0,2000}$/;
const SAFE_HOST = /^[A-Za-z0-9._-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$/;

/** One request per location with failures in the logs, from its newest line that names a request. */
export function requestTargets(logs: readonly LogSummary[]): RequestTarget[] {
  const out = new Map<ConfigNode, RequestTarget>();
  for (const s of logs) {
    for (let i = s.failures.length - 1; i >= 0; i--) {
      const x = s.failures[i]!;
      const loc = x.location?.node;
      if (!loc || out.has(loc) || !x.request || !x.server) continue;
      const target = x.request.target;
      if (!SAFE_TARGET.test(target)) continue;
      const listen = x.server.listens.filter((l) => l.family !== 'unix' && l.node && !l.unresolved);
      const plain = listen.find((l) => !isTls(l.node!)) ?? null;
      const l = plain ?? listen[0];
      if (!l) continue;
      const scheme = plain ? 'http' : 'https';
      const addr = (l.host === '*' ? '127.0.0.1' : l.host === '[::]' ? '::1' : l.host).replace(/^\[|\]$/g, '');
      const host = (x.host ?? x.server.loggedName ?? '').replace(/:\d+$/, '') || addr;
      if (!SAFE_HOST.test(host) || !/^[0-9A-Fa-f:.[\]]+$/.test(addr)) continue;
      out.set(loc, { location: loc, label: `location ${loc.d.args.map((a) => a.value).join(' ')}`, scheme, addr, port: l.port, host, target });
    }
  }
  return [...out.values()];
}

function isTls(listen: ConfigNode): boolean {
  return listen.d.args.slice(1).some((a) => a.value === 'ssl' || a.value === 'quic');
}

/** "H i rc CODE FIRSTBYTE TOTAL" (or "H i rc message") from the REQUEST script. */
export function readRequestRecord(rest: string): RequestResult {
  const m = /^(\d+) (\d{3}) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/.exec(rest);
  if (m && m[2] !== '000') return { rc: Number(m[1]), status: Number(m[2]), firstByte: Number(m[3]), total: Number(m[4]), message: '' };
  const sp = rest.indexOf(' ');
  const rc = Number(sp < 0 ? rest : rest.slice(0, sp));
  const msg = sp < 0 ? '' : rest.slice(sp + 1).replace(/^000 [\d.]+ [\d.]+\s*/, '').trim();
  return { rc: Number.isFinite(rc) ? rc : 1, status: null, firstByte: null, total: null, message: msg || `no answer (exit ${rc})` };
}

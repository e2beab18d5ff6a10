// Every TCP backend, connected to from the nginx host (phase 2 of the run): one row each.
import type { DoctorCheck } from '../../protocol/protocol';
import { isLocalAddress, listensOn } from '../facts';
import { check, type FactsOf } from '../check';
import { placeOf, row, shortName } from '../context';
import type { Backend } from '../targets';

export const tcpKey = (b: { host: string; port: number }): string => `${b.host}|${b.port}`;

export function addrText(b: Backend): string {
  return b.kind === 'unix' ? `unix:${b.host}` : b.host.includes(':') ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
}

export function backendTitle(ctx: FactsOf<'config'>, b: Backend): string {
  const where = b.upstream ? `upstream ${b.upstream}` : `${b.node.d.name} in ${shortName(ctx, b.node.file.source.path)}`;
  return `backend ${addrText(b)} (${where}) accepts connections`;
}

function reachable(ctx: FactsOf<'host' | 'config' | 'probes'>, b: Backend): DoctorCheck {
  const title = backendTitle(ctx, b);
  const loc = placeOf(ctx, b.node);
  const expected = `a TCP connection from ${ctx.hostLabel} within 3 s`;
  if (b.flags.includes('down')) return row('backend-reachable', title, 'skip', 'marked "down" in the upstream: nginx does not use it', expected, '', loc);
  const r = ctx.probes.tcp.get(tcpKey(b));
  if (!r) return row('backend-reachable', title, 'skip', 'not probed', expected, '', loc);
  const backup = b.flags.includes('backup') ? ' (a backup server)' : '';
  if (r.rc === 0) return row('backend-reachable', title, 'pass', `connected${backup}`, expected, '', loc);
  const local = isLocalAddress(ctx.facts, b.host);
  const m = cleanMessage(r.message);
  let found: string;
  let advice: string;
  if (r.rc === 127) {
    return row('backend-reachable', title, 'skip', `cannot probe: ${m || 'no bash or nc on the host'}`, expected, 'Install bash or netcat on the host to let the check connect to backends.', loc);
  } else if (r.rc === 124 || /timed out/i.test(m)) {
    found = 'no answer within 3 s (connect timed out)';
    advice = `Packets to ${addrText(b)} are dropped: the host is down or a firewall drops them. nginx waits proxy_connect_timeout (60 s by default) and answers 504, or 502 when every server of the upstream failed.`;
  } else if (/refused/i.test(m)) {
    found = 'connection refused: nothing listens there';
    advice = local
      ? `Start the backend, or point the config at the port it really listens on (ss -ltnp on ${ctx.hostLabel}).`
      : `Start the backend on ${b.host}, or check that it listens on that interface (an app bound to 127.0.0.1 cannot be reached from another machine).`;
  } else if (/unreachable|no route/i.test(m)) {
    found = `network unreachable (${m})`;
    advice = `${ctx.hostLabel} has no route to ${b.host}: check the address, the host's routes (ip route get ${b.host}) and firewalls that reject.`;
  } else if (/not known|resolv|Name or service|No address/i.test(m)) {
    found = `host name does not resolve (${m})`;
    advice = `nginx resolves "${b.host}" at start-up (and refuses to start if it cannot). Fix the name, its DNS record or /etc/hosts on ${ctx.hostLabel}.`;
  } else {
    found = `connect failed (exit ${r.rc}${m ? `: ${m}` : ''})`;
    advice = `Check the backend at ${addrText(b)}.`;
  }
  if (local && !listensOn(ctx.facts, b.host, b.port)) {
    const other = ctx.facts.listeners.filter((l) => l.port === b.port).map((l) => (l.addr.includes(':') ? `[${l.addr}]` : l.addr));
    if (other.length) found += `; port ${b.port} listens only on ${[...new Set(other)].join(', ')}`;
  }
  const status = backup ? 'warn' : 'fail';
  return row('backend-reachable', title, status, found + backup, expected, advice, loc);
}

/** bash's "nd: line 1: billing-api: Name or service not known nd: line 1: /dev/tcp/...: Invalid argument" -> "billing-api: Name or service not known". */
export function cleanMessage(m: string): string {
  const parts = m.split(/\s*\bnd: (?:line \d+: )?/).map((p) => p.trim()).filter((p) => p && !p.startsWith('/dev/tcp/'));
  return [...new Set(parts)].join('; ') || m.trim();
}

export const backendReachable = check({
  id: 'backend-reachable',
  title: 'each TCP backend accepts connections',
  needs: ['host', 'config', 'backend', 'probes'],
  run: (f) => {
    if (!f.backend) return f.config ? [] : [row('backend-reachable', 'backends accept connections', 'skip', 'no config to read backends from (give --config, or let nginx -T run on the host)', 'a config', '')];
    return f.backend.kind === 'tcp' ? [reachable(f, f.backend)] : [];
  },
});

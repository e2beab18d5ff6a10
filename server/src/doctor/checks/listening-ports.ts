// Listening sockets on the host (/proc/net/tcp*) against what the config expects: backends on
// this host listening on their ports, and nginx itself listening on its own.
import type { DoctorCheck } from '../../protocol/protocol';
import { isLocalAddress, listensOn } from '../facts';
import { check, type FactsOf } from '../check';
import { placeOf, row } from '../context';
import { listenPorts } from '../targets';
import { addrText } from './backend-reachable';

const NGINX_LISTENS = 'nginx listens on the ports of its listen directives';

const BACKENDS_LISTEN = 'backends on this host listen on the ports the config uses';

function backendsListen(ctx: FactsOf<'host' | 'config' | 'backends'>): DoctorCheck {
  const title = BACKENDS_LISTEN;
  const local = ctx.backends.filter((b) => b.kind === 'tcp' && !b.flags.includes('down') && isLocalAddress(ctx.facts, b.host));
  const expected = local.length ? `listening: ${[...new Set(local.map(addrText))].join(', ')}` : 'no local TCP backends';
  if (!ctx.facts.listeners.length && !ctx.facts.unixListening.size) return row('backend-ports', title, 'skip', 'cannot read /proc/net/tcp on the host', expected, '');
  if (!local.length) return row('backend-ports', title, 'skip', 'the config names no TCP backend on this host', expected, '');
  const missing = local.filter((b) => !listensOn(ctx.facts, b.host, b.port));
  if (!missing.length) return row('backend-ports', title, 'pass', `all ${local.length} local backend port(s) listen`, expected, '');
  const first = missing[0]!;
  const ok = [...new Set(local.filter((b) => !missing.includes(b)).map(addrText))];
  return row('backend-ports', title, 'fail',
    `nothing listens on ${[...new Set(missing.map(addrText))].join(', ')}${ok.length ? ` (listening: ${ok.join(', ')})` : ''}`, expected,
    'Start those backends, or correct the ports in the config to the ones they listen on (ss -ltnp).', placeOf(ctx, first.node));
}

function nginxListens(ctx: FactsOf<'host' | 'config'>): DoctorCheck {
  const title = NGINX_LISTENS;
  const masters = ctx.facts.processes.filter((p) => p.role === 'master');
  const ports = ctx.model ? listenPorts(ctx.model) : [];
  const expected = ports.length ? `listening: ${ports.map((p) => `${p.addr}:${p.port}`).slice(0, 10).join(', ')}` : 'the listen ports';
  if (!ctx.model) return row('nginx-ports', title, 'skip', 'no config to read listen directives from', expected, '');
  if (!masters.length) return row('nginx-ports', title, 'skip', 'nginx is not running', expected, '');
  if (!ctx.facts.listeners.length) return row('nginx-ports', title, 'skip', 'cannot read /proc/net/tcp on the host', expected, '');
  const missing = ports.filter((p) => !ctx.facts.listeners.some((l) => l.port === p.port && (p.addr === '*' || l.addr === '0.0.0.0' || l.addr === '::' || l.addr === p.addr.toLowerCase() || (p.addr === 'localhost' && /^127\.|^::1$/.test(l.addr)))));
  if (!missing.length) return row('nginx-ports', title, 'pass', `all ${ports.length} listen address(es) are bound: ${ports.map((p) => `${p.addr}:${p.port}`).slice(0, 10).join(', ')}`, expected, '');
  return row('nginx-ports', title, 'warn', `not listening: ${missing.map((p) => `${p.addr}:${p.port}`).join(', ')}`, expected,
    'The running nginx has not loaded this config (reload it: systemctl reload nginx), or another program holds the port (ss -ltnp).', placeOf(ctx, missing[0]!.node));
}

export const backendPorts = check({
  id: 'backend-ports',
  title: BACKENDS_LISTEN,
  needs: ['host', 'config', 'backends'],
  run: (f) => [backendsListen(f)],
});

export const nginxPorts = check({
  id: 'nginx-ports',
  title: NGINX_LISTENS,
  needs: ['host', 'config'],
  run: (f) => [nginxListens(f)],
});

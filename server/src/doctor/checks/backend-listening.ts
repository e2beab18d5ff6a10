// A failed TCP backend that the user mapped to a machine: does anything listen on its port there,
// and on an address nginx can reach (`ss -ltn`, else /proc/net/tcp{,6}, on the backend's machine)?
import type { Listener } from '../facts';
import { check } from '../check';
import { placeOf, row } from '../context';
import { hopKey } from '../backend-hosts';
import { addrText } from './backend-reachable';

const ID = 'backend-listening';
const WILDCARD = new Set(['0.0.0.0', '::']);
const isLoopback = (a: string): boolean => /^127\./.test(a) || a === '::1';
const shown = (l: Listener): string => (l.addr.includes(':') ? `[${l.addr}]:${l.port}` : `${l.addr}:${l.port}`);

export const backendListening = check({
  id: ID,
  title: "a failed backend's port listens on its machine",
  needs: ['config', 'backend', 'backendHosts'],
  run: (f) => {
    const b = f.backend;
    const hop = b && f.hops.get(hopKey(b));
    if (!b || !hop || b.kind !== 'tcp' || !hop.result.ok) return [];
    const h = hop.result.facts;
    const title = `backend ${addrText(b)}: port ${b.port} listens on ${hop.hostLabel}`;
    const expected = `a LISTEN socket on port ${b.port} that ${hop.sameHost ? b.host : 'other machines'} can reach`;
    const loc = placeOf(f, b.node);
    const on = h.listeners.filter((l) => l.port === b.port);
    const from = `(${h.listenFrom})`;
    if (!on.length) {
      const ports = [...new Set(h.listeners.map((l) => l.port))].sort((x, y) => x - y);
      const others = ports.length ? `; listening: ${ports.slice(0, 12).join(', ')}${ports.length > 12 ? ' ...' : ''}` : '';
      return [row(ID, title, 'fail', `nothing listens on port ${b.port} ${from}${others}`, expected,
        `The service is down or listens on another port: compare its listen setting with ${addrText(b)} in the config (ss -ltnp on ${hop.hostLabel} shows which program holds which port).`, loc)];
    }
    const addrs = on.map(shown).join(', ');
    const target = b.host.replace(/^\[|\]$/g, '').toLowerCase();
    const literal = /^[\d.]+$/.test(target) || target.includes(':');
    const reachable = on.some((l) => WILDCARD.has(l.addr) || l.addr === target || (target === 'localhost' && isLoopback(l.addr)));
    if (!hop.sameHost && on.every((l) => isLoopback(l.addr))) {
      return [row(ID, title, 'fail', `port ${b.port} listens only on ${addrs} ${from}: other machines cannot connect`, expected,
        `Bind the service to ${literal ? target : 'the address nginx connects to'} (or 0.0.0.0) instead of loopback.`, loc)];
    }
    if (literal && !reachable) {
      return [row(ID, title, 'fail', `port ${b.port} listens on ${addrs} ${from}, not on ${target}`, expected,
        `Point the config at ${on.map(shown)[0]} or bind the service to ${target}.`, loc)];
    }
    return [row(ID, title, 'pass', `listening on ${addrs} ${from}`, expected, '', loc)];
  },
});

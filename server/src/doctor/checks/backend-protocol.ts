// What a backend port speaks, seen from the nginx host (phase 2): the port-guessing rules
// (https-to-plain-http-upstream, fastcgi-pass-to-http-port) can only say "usually"; this row
// connects and looks at the first bytes of the answer to a TLS record header. "HTTP/" means plain
// HTTP (proxy_pass https:// then fails with "wrong version number", fastcgi_pass with
// "unsupported FastCGI protocol version: 72"); 0x15/0x16 0x03 is TLS.
import type { DoctorCheck } from '../../protocol/protocol';
import type { ConfigNode } from '../../core/index';
import type { Model } from '../../core/index';
import { check, type FactsOf } from '../check';
import { placeOf, row } from '../context';
import { addrText, tcpKey } from './backend-reachable';
import type { Backend } from '../targets';

export type Expectation = 'tls' | 'fastcgi';

export interface Stated {
  /** tcpKey of the backend (the probe's key). */
  key: string;
  expect: Expectation;
  backend: Backend;
  via: ConfigNode;
}

/** The TCP backends whose protocol the config states (https:// / grpcs:// or fastcgi_pass), with the directive that states it. */
export function expectations(ctx: { model: Model | null; backends: readonly Backend[] }): Stated[] {
  const out: Stated[] = [];
  const seen = new Set<string>();
  if (!ctx.model) return out;
  const passes = [...ctx.model.named('proxy_pass'), ...ctx.model.named('grpc_pass'), ...ctx.model.named('fastcgi_pass')];
  for (const n of passes) {
    const arg = n.d.args[0]?.value ?? '';
    if (arg.includes('$') || n.ctx.startsWith('stream')) continue;
    const expect: Expectation | null = n.d.name === 'fastcgi_pass' ? 'fastcgi' : /^(https|grpcs):\/\//i.test(arg) ? 'tls' : null;
    if (!expect) continue;
    const host = arg.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
    for (const b of ctx.backends) {
      if (b.kind !== 'tcp') continue;
      const direct = b.upstream === null && (host === `${b.host}:${b.port}` || host === `[${b.host}]:${b.port}`);
      const viaGroup = b.upstream !== null && b.upstream === host;
      const key = tcpKey(b);
      if (!(direct || viaGroup) || seen.has(`${key}|${expect}`)) continue;
      seen.add(`${key}|${expect}`);
      out.push({ key, expect, backend: b, via: n });
    }
  }
  return out;
}

export function speaks(hex: string): 'http' | 'tls' | 'other' | 'nothing' {
  const bytes = hex.trim().split(/\s+/).filter(Boolean);
  if (bytes.length === 0) return 'nothing';
  if (bytes.slice(0, 4).join(' ') === '48 54 54 50') return 'http';
  if ((bytes[0] === '15' || bytes[0] === '16') && bytes[1] === '03') return 'tls';
  return 'other';
}

function protocolRow(ctx: FactsOf<'config' | 'probes'>, e: Stated): DoctorCheck {
  const b = e.backend;
  const key = e.key;
  const wants = e.expect === 'tls' ? 'TLS' : 'FastCGI';
  const title = `backend ${addrText(b)} speaks ${wants}, as ${e.via.d.name} ${e.via.d.args[0]?.value ?? ''} expects`;
  const expected = e.expect === 'tls' ? 'a TLS answer (an alert or handshake record)' : 'no HTTP answer';
  const loc = placeOf(ctx, e.via);
  const r = ctx.probes.bytes.get(key);
  if (!r) return row('backend-protocol', title, 'skip', 'not probed', expected, '', loc);
  if (r.rc === 127) return row('backend-protocol', title, 'skip', 'cannot probe: bash is not installed on the host', expected, '', loc);
  const got = speaks(r.hex);
  if (got === 'http') {
    return e.expect === 'tls'
      ? row('backend-protocol', title, 'fail', `the port answers in plain HTTP ("${'HTTP/'}")`, expected, `Use http:// in ${e.via.d.name} for ${addrText(b)}, or point it at the backend's TLS port: every request now fails the handshake with "wrong version number" (502).`, loc)
      : row('backend-protocol', title, 'fail', 'the port answers in HTTP, not FastCGI', expected, `This is an HTTP server: use proxy_pass http://${addrText(b)}, or point fastcgi_pass at php-fpm's "listen" address. nginx now logs "unsupported FastCGI protocol version: 72" and answers 502.`, loc);
  }
  if (got === 'tls') {
    return e.expect === 'tls'
      ? row('backend-protocol', title, 'pass', 'the port answers TLS', expected, '', loc)
      : row('backend-protocol', title, 'fail', 'the port answers TLS, not FastCGI', expected, 'php-fpm does not speak TLS: point fastcgi_pass at its plain "listen" address.', loc);
  }
  if (got === 'nothing') return row('backend-protocol', title, e.expect === 'fastcgi' ? 'pass' : 'skip', e.expect === 'fastcgi' ? 'no HTTP answer (FastCGI servers close on bytes they do not read)' : 'no answer within 2 s to tell', expected, '', loc);
  return row('backend-protocol', title, e.expect === 'fastcgi' ? 'pass' : 'skip', `answered ${r.hex.trim().split(/\s+/).slice(0, 5).join(' ')} (neither HTTP nor TLS)`, expected, '', loc);
}

/** Per backend: a row for each protocol the config states for it, once the connect succeeded. */
export const backendProtocol = check({
  id: 'backend-protocol',
  title: 'each backend stated to speak TLS or FastCGI does',
  needs: ['config', 'backend', 'probes'],
  run: (f) => {
    const b = f.backend;
    if (!b || b.kind !== 'tcp' || f.probes.tcp.get(tcpKey(b))?.rc !== 0) return [];
    return expectations({ model: f.model, backends: [b] }).map((e) => protocolRow(f, e));
  },
});

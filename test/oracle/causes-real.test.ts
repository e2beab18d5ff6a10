// Real nginx, real upstream failures: small loopback backends refuse, hang, reset, close early,
// send oversized or invalid headers, speak plain HTTP to https:// / fastcgi_pass / grpc_pass,
// write FastCGI stderr over several lines, are missing unix sockets, have full accept queues...
// Each failure gets its own location (/c/<scenario>) in the server "causes.test"; a second server
// ("decoy.test") has the same locations with other backends. Every error line nginx writes must
// be classified into the expected cause id and linked to the right server block and location;
// the access log (a custom log_format) must link too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as net from 'node:net';
import { Explainer, LogReader, Matcher, buildConfigSet, defaultCatalog, isUpstreamFailure, logFormatsFromConfig, type Explanation, type LogEntry } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { makePrefix, nginxBinary, removePrefix, startNginx, stopNginx } from '../helpers/nginx-oracle';
import { freePorts, rawRequest, type RawResponse } from './harness';
import { fastcgiBackend, fullQueues, nxdomainDns, pythonAvailable, tcpBackend, tlsBackend, type Backend } from './backends';

interface Scenario {
  id: string;
  /** Directives inside `location /c/<id> { ... }`. */
  conf: string;
  /** Expected cause ids (any of them, in any of the lines for this location). */
  causes: string[];
  /** Extra cause ids that must also appear for this location. */
  alsoCauses?: string[];
  /** Expected response status ("none": no status line). */
  status?: number | 'none';
  method?: 'GET' | 'POST' | 'UPGRADE';
  bodyBytes?: number;
  /** Close the client connection after this many ms. */
  closeAfter?: number;
  /** Send the request this many times, one after the other. */
  repeat?: number;
  skip?: string;
}

const HTTP_400 = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

test('real nginx errors: every cause classified and linked to its location', { timeout: 120_000 }, async (t) => {
  assert.ok(nginxBinary(), 'nginx is required for the oracle tier');
  const prefix = makePrefix();
  const backends: Backend[] = [];
  const cleanups: (() => void)[] = [];
  const ports = await freePorts(24);
  const P = {
    nginx: ports[0]!, closed: ports[1]!, hang: ports[2]!, reset: ports[3]!, close: ports[4]!, bighdr: ports[5]!, badhdr: ports[6]!,
    nothttp: ports[7]!, trunc: ports[8]!, plain: ports[9]!, tls13: ports[10]!, tls: ports[11]!, silent: ports[12]!, noread: ports[13]!,
    rstread: ports[14]!, c1: ports[15]!, c2: ports[16]!, dns: ports[17]!, http400: ports[18]!, fcgi: ports[19]!, ws: ports[20]!, full: ports[21]!,
    decoy: ports[22]!,
  };
  const sock = (name: string): string => join(prefix, `${name}.sock`);
  const root = process.getuid?.() === 0;
  const python = pythonAvailable();
  const cert = readFileSync(join(prefix, 'certs', 'server.crt'));
  const key = readFileSync(join(prefix, 'certs', 'server.key'));
  try {
    // ----- backends -----
    const ok = (s: net.Socket): void => void s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    backends.push(
      await tcpBackend(P.hang, () => undefined),
      await tcpBackend(P.reset, (s) => s.resetAndDestroy()),
      await tcpBackend(P.close, (s) => s.end()),
      await tcpBackend(P.bighdr, (s) => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(12_000)}\r\n\r\n`)),
      await tcpBackend(P.badhdr, (s) => s.end('HTTP/1.1 200 OK\r\nBad\x01Header: x\r\nContent-Length: 0\r\n\r\n')),
      await tcpBackend(P.nothttp, (s) => s.end('SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n')),
      await tcpBackend(P.trunc, (s) => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nonly the beginning');
        setTimeout(() => s.end(), 50);
      }),
      await tcpBackend(P.plain, ok),
      await tcpBackend(P.silent, () => undefined),
      await tcpBackend(P.noread, () => undefined, { onConnect: (s) => s.pause() }),
      await tcpBackend(P.rstread, (s) => {
        // stop reading so nginx is still writing the body when the reset comes
        s.pause();
        setTimeout(() => s.resetAndDestroy(), 300);
      }),
      await tcpBackend(P.http400, (s) => s.end(HTTP_400)),
      await tcpBackend(P.ws, (s) => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')),
      await tcpBackend(P.decoy, ok),
      await tlsBackend(P.tls13, { key, cert, minVersion: 'TLSv1.3' }, ok),
      await tlsBackend(P.tls, { key, cert }, ok),
      await nxdomainDns(P.dns),
      await fastcgiBackend(P.fcgi, (uri) => {
        if (uri.startsWith('/c/fcgi-unknown')) return { stderr: 'Primary script unknown', stdout: 'Status: 404 Not Found\r\nContent-type: text/html\r\n\r\nFile not found.\n' };
        if (uri.startsWith('/c/fcgi-closed')) return { stdout: 'Content-type: text/html\r\nX-Half: ', abrupt: true };
        return {
          stderr: 'PHP message: PHP Warning:  Undefined variable $a in /srv/www/index.php on line 3\nPHP message: PHP Warning:  Undefined variable $b in /srv/www/index.php on line 4',
          stdout: 'Content-type: text/html\r\n\r\nhello\n',
        };
      }),
    );
    if (root) {
      // a socket the nginx workers ("nobody") may not connect to
      const denied = net.createServer(() => undefined);
      await new Promise<void>((r) => denied.listen(sock('denied'), () => r()));
      chmodSync(sock('denied'), 0o600);
      backends.push({ port: 0, close: () => new Promise<void>((r) => denied.close(() => r())) });
    }
    let queues: Awaited<ReturnType<typeof fullQueues>> | null = null;
    if (python) {
      queues = await fullQueues(P.full, sock('full'), 60);
      const q = queues;
      cleanups.push(() => q.close());
      await queues.fill();
    }

    // ----- scenarios -----
    const scenarios: Scenario[] = [
      { id: 'refused', conf: `proxy_pass http://127.0.0.1:${P.closed};`, causes: ['upstream-refused'], status: 502 },
      { id: 'socket-missing', conf: `proxy_pass http://unix:${sock('missing')}:;`, causes: ['upstream-socket-missing'], status: 502 },
      { id: 'permission', conf: `proxy_pass http://unix:${sock('denied')}:;`, causes: ['upstream-permission-denied'], status: 502, skip: root ? undefined : 'needs root (workers run as nobody)' },
      { id: 'read-timeout', conf: `proxy_pass http://127.0.0.1:${P.hang}; proxy_read_timeout 1s;`, causes: ['upstream-read-timeout'], status: 504 },
      { id: 'reset', conf: `proxy_pass http://127.0.0.1:${P.reset};`, causes: ['upstream-reset'], status: 502 },
      { id: 'closed', conf: `proxy_pass http://127.0.0.1:${P.close};`, causes: ['upstream-prematurely-closed'], status: 502 },
      { id: 'big-header', conf: `proxy_pass http://127.0.0.1:${P.bighdr};`, causes: ['upstream-header-too-big'], status: 502 },
      { id: 'bad-header', conf: `proxy_pass http://127.0.0.1:${P.badhdr};`, causes: ['upstream-invalid-header'], status: 502 },
      { id: 'not-http', conf: `proxy_pass http://127.0.0.1:${P.nothttp};`, causes: ['upstream-not-http'], status: 'none' },
      { id: 'truncated', conf: `proxy_pass http://127.0.0.1:${P.trunc};`, causes: ['upstream-body-truncated'], status: 200 },
      { id: 'tls-to-plain', conf: `proxy_pass https://127.0.0.1:${P.plain};`, causes: ['upstream-tls-to-plain-http'], status: 502 },
      { id: 'tls-protocol', conf: `proxy_pass https://127.0.0.1:${P.tls13}; proxy_ssl_protocols TLSv1.2;`, causes: ['upstream-tls-handshake-failed'], status: 502 },
      { id: 'tls-verify', conf: `proxy_pass https://127.0.0.1:${P.tls}; proxy_ssl_verify on; proxy_ssl_trusted_certificate ${join(prefix, 'certs', 'server.crt')}; proxy_ssl_name wrong.test;`, causes: ['upstream-tls-verify-failed'], status: 502 },
      { id: 'tls-timeout', conf: `proxy_pass https://127.0.0.1:${P.silent}; proxy_connect_timeout 1s;`, causes: ['upstream-tls-timeout'], status: 504 },
      { id: 'send-timeout', conf: `proxy_pass http://127.0.0.1:${P.noread}; proxy_send_timeout 1s;`, causes: ['upstream-send-timeout'], status: 504, method: 'POST', bodyBytes: 48 << 20 },
      // a reset while nginx is still writing the body: with epoll nginx handles the read event
      // first, so nginx 1.22 logs it as recv() failed ... while reading response header (upstream-reset)
      { id: 'reset-during-body', conf: `proxy_pass http://127.0.0.1:${P.rstread};`, causes: ['upstream-reset', 'upstream-send-failed'], status: 502, method: 'POST', bodyBytes: 48 << 20 },
      { id: 'no-live', conf: 'proxy_pass http://pair;', causes: ['no-live-upstreams'], alsoCauses: ['upstream-refused', 'upstream-server-disabled'], status: 502, repeat: 2 },
      { id: 'no-resolver', conf: 'set $b backend.invalid; proxy_pass http://$b;', causes: ['no-resolver'], status: 502 },
      { id: 'unresolved', conf: `resolver 127.0.0.1:${P.dns} ipv6=off; resolver_timeout 3s; set $b backend.test; proxy_pass http://$b:80;`, causes: ['upstream-unresolved'], status: 502 },
      { id: 'fcgi-to-http', conf: `fastcgi_pass 127.0.0.1:${P.http400};`, causes: ['fastcgi-protocol-mismatch'], status: 502 },
      { id: 'grpc-to-http1', conf: `grpc_pass grpc://127.0.0.1:${P.http400};`, causes: ['grpc-to-http1-backend'], status: 502 },
      { id: 'fcgi-unknown', conf: `include fastcgi_params; fastcgi_pass 127.0.0.1:${P.fcgi};`, causes: ['fastcgi-primary-script-unknown'], status: 404 },
      { id: 'fcgi-stderr', conf: `include fastcgi_params; fastcgi_pass 127.0.0.1:${P.fcgi};`, causes: ['fastcgi-stderr'], status: 200 },
      { id: 'fcgi-closed', conf: `include fastcgi_params; fastcgi_pass 127.0.0.1:${P.fcgi};`, causes: ['fastcgi-prematurely-closed'], status: 502 },
      { id: 'upgrade', conf: `proxy_pass http://127.0.0.1:${P.ws}; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade; proxy_read_timeout 1s;`, causes: ['upgraded-connection-timeout'], status: 101, method: 'UPGRADE', closeAfter: 2500 },
      { id: 'client-closed', conf: `proxy_pass http://127.0.0.1:${P.hang}; proxy_read_timeout 20s;`, causes: ['client-closed-request'], closeAfter: 400 },
      { id: 'connect-timeout', conf: `proxy_pass http://127.0.0.1:${P.full}; proxy_connect_timeout 1s;`, causes: ['upstream-connect-timeout'], status: 504, skip: python ? undefined : 'needs python3 for a full accept queue' },
      { id: 'backlog-full', conf: `proxy_pass http://unix:${sock('full')}:;`, causes: ['upstream-backlog-full'], status: 502, skip: python ? undefined : 'needs python3 for a full accept queue' },
      { id: 'bind', conf: `proxy_bind 198.51.100.7; proxy_pass http://127.0.0.1:${P.closed};`, causes: ['upstream-address-exhausted'], status: 500 },
    ];
    const active = scenarios.filter((s) => !s.skip);
    for (const s of scenarios) if (s.skip) t.diagnostic(`skipped ${s.id}: ${s.skip}`);

    // ----- config -----
    const loc = (s: Scenario): string => `    location /c/${s.id} {\n      ${s.conf}\n    }`;
    const conf = `worker_processes 1;
events { worker_connections 512; }
http {
  log_format withhost '$remote_addr [$time_local] "$request" $status $body_bytes_sent host=$host sn="$server_name" up="$upstream_addr" us="$upstream_status"';
  access_log logs/access.log withhost;
  client_body_temp_path temp/body;
  proxy_temp_path temp/proxy;
  fastcgi_temp_path temp/fastcgi;
  uwsgi_temp_path temp/uwsgi;
  scgi_temp_path temp/scgi;
  client_max_body_size 200m;
  upstream pair {
    server 127.0.0.1:${P.c1} max_fails=1 fail_timeout=60s;
    server 127.0.0.1:${P.c2} max_fails=1 fail_timeout=60s;
  }
  server {
    listen 127.0.0.1:${P.nginx};
    server_name decoy.test;
${scenarios.map((s) => `    location /c/${s.id} {\n      proxy_pass http://127.0.0.1:${P.decoy};\n    }`).join('\n')}
  }
  server {
    listen 127.0.0.1:${P.nginx};
    server_name causes.test www.causes.test;
${active.map(loc).join('\n')}
  }
}
`;
    const confPath = join(prefix, 'nginx.conf');
    writeFileSync(confPath, conf);
    await startNginx(confPath, prefix, { waitPort: P.nginx });

    // ----- requests -----
    const responses = new Map<string, RawResponse>();
    await Promise.all(active.map(async (s) => {
      for (let i = 0; i < (s.repeat ?? 1); i++) responses.set(s.id, await send(P.nginx, s));
    }));
    await new Promise((r) => setTimeout(r, 300));
    await stopNginx();

    // ----- explain what nginx wrote -----
    const set = buildConfigSet(confPath, { host: new DiskHost(), catalog: defaultCatalog() });
    const explainer = new Explainer(new Matcher(set));
    const read = (file: string, formats = logFormatsFromConfig(set)): { entries: LogEntry[]; reader: LogReader } => {
      const reader = new LogReader({ formats });
      const entries: LogEntry[] = [];
      for (const line of readFileSync(join(prefix, 'logs', file), 'utf8').split('\n')) entries.push(...reader.push(line));
      entries.push(...reader.end());
      return { entries, reader };
    };
    const errorLog = read('error.log');
    const explained = errorLog.entries.map((e) => explainer.explain(e));
    const proven = new Set<string>();
    const problems: string[] = [];
    for (const s of active) {
      const mine = explained.filter((x) => x.request?.target.startsWith(`/c/${s.id}`));
      const groups = [s.causes, ...(s.alsoCauses ?? []).map((c) => [c])];
      for (const anyOf of groups) {
        const found = mine.find((x) => anyOf.includes(x.cause.id));
        if (!found) {
          problems.push(`${s.id}: no line classified ${anyOf.join(' or ')}; got ${mine.map((x) => `${x.cause.id} <- ${x.message}`).join(' | ') || 'no line at all'}`);
          continue;
        }
        const linked = checkLink(found, s.id);
        if (linked) problems.push(`${s.id} (${found.cause.id}): ${linked}`);
        else proven.add(found.cause.id);
      }
      const res = responses.get(s.id);
      if (s.status !== undefined && res) {
        const got = res.status === null ? 'none' : res.status;
        if (got !== s.status) problems.push(`${s.id}: response status ${got}, expected ${s.status}`);
      }
    }
    // the multi-line FastCGI stderr was assembled from its continuation lines
    const stderr = explained.find((x) => x.cause.id === 'fastcgi-stderr');
    if (!stderr || stderr.entry.kind !== 'error' || stderr.entry.lines < 2 || !/line 4/.test(stderr.message)) problems.push('fastcgi-stderr: the multi-line entry was not assembled');

    // worker_connections and the open-file limit need their own nginx instances
    for (const r of await limitScenarios(prefix, ports.slice(23))) {
      if (r.problem) problems.push(r.problem);
      else proven.add(r.cause);
    }

    // the access log links too (its 5xx lines name the same locations)
    const access = read('access.log');
    assert.equal(access.reader.stats.garbage, 0, 'every access-log line parsed with the config\'s log_format');
    for (const e of access.entries) {
      if (e.kind !== 'access' || !isUpstreamFailure(e)) continue;
      const x = explainer.explain(e);
      const id = /^\/c\/([\w-]+)/.exec(x.request?.target ?? '')?.[1];
      if (!id) continue;
      const l = checkLink(x, id);
      if (l) problems.push(`access log line ${e.line}: ${l}`);
    }
    const notHttp = access.entries.find((e) => e.kind === 'access' && e.request?.includes('/c/not-http'));
    if (!notHttp || notHttp.kind !== 'access' || notHttp.status !== 9) problems.push('not-http: the access log does not show status 009');
    else if (explainer.explain(notHttp).cause.id !== 'upstream-not-http') problems.push('not-http: the 009 access line is not classified upstream-not-http');

    t.diagnostic(`${proven.size} cause ids proven with real nginx lines: ${[...proven].sort().join(', ')}`);
    assert.deepEqual(problems, []);
    assert.ok(proven.size >= 15, `at least 15 cause ids proven (got ${proven.size})`);
  } finally {
    await stopNginx();
    for (const c of cleanups) c();
    await Promise.all(backends.map((b) => b.close()));
    if (!process.env.KEEP_PREFIX) removePrefix(prefix);
    else t.diagnostic(`kept ${prefix}`);
  }
});

/** "": linked right; else what is wrong. */
function checkLink(x: Explanation, id: string): string {
  if (x.confidence === 'ambiguous') return `ambiguous link (${x.reasons.join('; ')})`;
  if (!x.server || !x.server.names.includes('causes.test')) return `linked to server ${x.server?.names.join(' ') ?? 'none'}, not causes.test`;
  if (!x.location || x.location.name !== `/c/${id}`) return `linked to location ${x.location?.name ?? 'none'}, not /c/${id}`;
  return '';
}

async function send(port: number, s: Scenario): Promise<RawResponse> {
  const head = (extra: string): string => `${s.method === 'POST' ? 'POST' : 'GET'} /c/${s.id}/x.php?n=1 HTTP/1.1\r\nHost: causes.test\r\n${extra}\r\n`;
  if (s.method === 'POST') {
    const body = Buffer.alloc(s.bodyBytes ?? 0, 0x61);
    return rawRequest('127.0.0.1', port, Buffer.concat([Buffer.from(head(`Content-Length: ${body.length}\r\nConnection: close\r\n`)), body]), 15_000);
  }
  if (s.method === 'UPGRADE') return rawRequest('127.0.0.1', port, head('Upgrade: websocket\r\nConnection: Upgrade\r\n'), s.closeAfter ?? 3000);
  if (s.closeAfter) return rawRequest('127.0.0.1', port, head('Connection: close\r\n'), s.closeAfter);
  return rawRequest('127.0.0.1', port, head('Connection: close\r\n'), 10_000);
}

/** worker_connections exhausted and EMFILE, each in a tiny nginx of its own. */
async function limitScenarios(prefix: string, spare: number[]): Promise<{ cause: string; problem?: string }[]> {
  const out: { cause: string; problem?: string }[] = [];
  const port = spare[0] ?? (await freePorts(1))[0]!;
  const cases = [
    { cause: 'worker-connections-exhausted', main: 'worker_processes 1;', events: 'worker_connections 16;' },
    { cause: 'too-many-open-files', main: 'worker_processes 1; worker_rlimit_nofile 24;', events: 'worker_connections 512;' },
  ];
  for (const c of cases) {
    const dir = join(prefix, c.cause);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, `${c.main}\nevents { ${c.events} }\nhttp { access_log off; server { listen 127.0.0.1:${port}; return 200; } }\n`);
    await startNginx(conf, dir, { waitPort: port });
    const socks: net.Socket[] = [];
    for (let i = 0; i < 40; i++) {
      socks.push(net.connect({ host: '127.0.0.1', port }).on('error', () => undefined));
    }
    await new Promise((r) => setTimeout(r, 400));
    for (const s of socks) s.destroy();
    await stopNginx();
    const reader = new LogReader();
    const lines = readFileSync(join(dir, 'logs', 'error.log'), 'utf8').split('\n');
    const entries = lines.flatMap((l) => reader.push(l));
    const explainer = new Explainer(new Matcher(buildConfigSet(conf, { host: new DiskHost(), catalog: defaultCatalog() })));
    const hit = entries.map((e) => explainer.explain(e)).find((x) => x.cause.id === c.cause);
    out.push(hit ? { cause: c.cause } : { cause: c.cause, problem: `${c.cause}: no such line in ${lines.filter((l) => /alert|crit/.test(l)).slice(0, 3).join(' | ') || 'the error log'}` });
  }
  return out;
}

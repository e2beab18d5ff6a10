// The pure pieces of "Check server for 502 causes": reading the scripts' output, /proc/net
// tables, `ls -l` modes, nginx -t messages, and the backends a config names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { buildConfigSet, defaultCatalog } from '../../server/src/core/index';
import { MemoryHost } from '../../server/src/core/index';
import { parseSections } from '../../server/src/remote/records';
import { readTcpListeners } from '../../server/src/doctor/facts';
import { ancestors, may, parseLs } from '../../server/src/doctor/checks/unix-socket';
import { parseTestOutput } from '../../server/src/doctor/checks/config-test';
import { cleanMessage } from '../../server/src/doctor/checks/backend-reachable';
import { backendsOf } from '../../server/src/doctor/targets';
import { probeInput } from '../../server/src/doctor/scripts';

const N = 'ab'.repeat(16);

test('script output: sections keep their bytes, records outside sections are listed, a forged record needs the nonce', () => {
  const text = `\n${N} HELLO 1\n\n${N} BEGIN nginx-t\nline one\n${'f'.repeat(32)} END nginx-t 0\nno newline at end\n${N} END nginx-t 1\n\n${N} T 1 0 \n\n${N} BYE\n`;
  const out = parseSections(text, N);
  assert.deepEqual([...out.sections.keys()], ['nginx-t']);
  assert.equal(out.sections.get('nginx-t')!.text, `line one\n${'f'.repeat(32)} END nginx-t 0\nno newline at end`);
  assert.equal(out.sections.get('nginx-t')!.rc, 1);
  assert.deepEqual(out.records, ['HELLO 1', 'T 1 0 ']);
  assert.equal(out.complete, true);
  assert.equal(parseSections(`\n${N} HELLO 1\n`, N).complete, false);
});

test('/proc/net/tcp and tcp6: LISTEN rows only, addresses in the kernel byte order', () => {
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
    '   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
    '   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0',
    '   0: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 4 1 0 100 0 0 10 0',
    '   1: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5 1 0 100 0 0 10 0',
    '   2: 0000000000000000FFFF00000A00000A:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 6 1 0 100 0 0 10 0',
  ].join('\n');
  assert.deepEqual(readTcpListeners(tcp), [
    { addr: '127.0.0.1', port: 8080 },
    { addr: '0.0.0.0', port: 80 },
    { addr: '::1', port: 3000 },
    { addr: '::', port: 443 },
    { addr: '10.0.0.10', port: 9000 },
  ]);
});

test('ls -lnd modes and who may write or enter', () => {
  const sock = parseLs('srw-rw---- 1 33 44 0 Nov 22 10:00 /run/php/fpm.sock')!;
  assert.deepEqual(sock, { type: 's', perms: 'rw-rw----', acl: false, uid: 33, gid: 44 });
  assert.equal(may(sock, { name: 'www-data', uid: 33, gids: [33] }, 1), true, 'owner');
  assert.equal(may(sock, { name: 'nginx', uid: 101, gids: [101, 44] }, 1), true, 'group member');
  assert.equal(may(sock, { name: 'nobody', uid: 65534, gids: [65534] }, 1), false, 'other');
  assert.equal(may(sock, { name: 'root', uid: 0, gids: [0] }, 1), true, 'root');
  const dir = parseLs('drwx--x--T+ 2 0 0 40 Nov 22 10:00 /run/app')!;
  assert.equal(dir.acl, true);
  assert.equal(may(dir, { name: 'nobody', uid: 65534, gids: [] }, 2), false, 'T is sticky without x');
  assert.equal(may(parseLs('drwx--x--t 2 0 0 40 Nov 22 10:00 /run/app')!, { name: 'nobody', uid: 65534, gids: [] }, 2), true, 't is sticky with x');
  assert.equal(parseLs('ls: cannot access'), null);
  assert.deepEqual(ancestors('/run/php/fpm.sock'), ['/run', '/run/php']);
});

test('nginx -t messages: level, text, file and line', () => {
  const msgs = parseTestOutput([
    'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/sites-enabled/app:12',
    'nginx: [warn] conflicting server name "a.test" on 0.0.0.0:80, ignored',
    '2026/11/22 06:49:42 [emerg] 31536#31536: host not found in upstream "api:80" in /etc/nginx/conf.d/up.conf:2',
    'nginx: configuration file /etc/nginx/nginx.conf test failed',
  ].join('\n'));
  assert.deepEqual(msgs, [
    { level: 'emerg', text: 'unknown directive "proxy_passs"', file: '/etc/nginx/sites-enabled/app', line: 12 },
    { level: 'warn', text: 'conflicting server name "a.test" on 0.0.0.0:80, ignored', file: null, line: null },
    { level: 'emerg', text: 'host not found in upstream "api:80"', file: '/etc/nginx/conf.d/up.conf', line: 2 },
  ]);
});

test('bash connect errors are shortened to the part that says why', () => {
  assert.equal(cleanMessage('nd: line 1: billing-api: Name or service not known nd: line 1: /dev/tcp/billing-api/80: Invalid argument'), 'billing-api: Name or service not known');
  assert.equal(cleanMessage('nd: connect: Connection refused nd: line 1: /dev/tcp/127.0.0.1/9/: Connection refused'), 'connect: Connection refused');
});

test('backends: upstream servers with flags, pass targets that are not upstream names, no variables', () => {
  const conf = `http {
    upstream API { server 10.0.0.1:8080; server 10.0.0.2:8080 backup; server 10.0.0.3 down; server unix:/run/api.sock; }
    server {
        location /a { proxy_pass http://api; }
        location /b { proxy_pass https://pay.example:8443/x; }
        location /c { proxy_pass https://cdn.example; }
        location /d { fastcgi_pass unix:/run/php/fpm.sock; }
        location /e { proxy_pass http://unix:/run/app.sock:/; }
        location /f { proxy_pass http://$host; }
        location /g { grpc_pass grpcs://grpc.example; }
        location /h { uwsgi_pass 127.0.0.1:3031; }
    }
}
stream { upstream db { server 10.0.0.9:5432; } server { listen 5432; proxy_pass db; } server { listen 6379; proxy_pass 10.0.0.8:6379; } }
`;
  const set = buildConfigSet('/etc/nginx/nginx.conf', { host: new MemoryHost(new Map([['/etc/nginx/nginx.conf', conf]])), catalog: defaultCatalog() });
  const got = backendsOf(set).map((b) => `${b.kind} ${b.host}${b.port ? `:${b.port}` : ''} ${b.upstream ?? '-'} ${b.flags.join(',')} @${b.node.d.name}`.trim());
  assert.deepEqual(got.sort(), [
    'tcp 10.0.0.1:8080 api  @server',
    'tcp 10.0.0.2:8080 api backup @server',
    'tcp 10.0.0.3:80 api down @server',
    'tcp 10.0.0.8:6379 -  @proxy_pass',
    'tcp 10.0.0.9:5432 db  @server',
    'tcp 127.0.0.1:3031 -  @uwsgi_pass',
    'tcp cdn.example:443 -  @proxy_pass',
    'tcp grpc.example:443 -  @grpc_pass',
    'tcp pay.example:8443 -  @proxy_pass',
    'unix /run/api.sock api  @server',
    'unix /run/app.sock -  @proxy_pass',
    'unix /run/php/fpm.sock -  @fastcgi_pass',
  ].sort());
});

test('probe parameters are data: a hostile path reaches ls as one argument and runs nothing', () => {
  const evil = "/tmp/x'; touch /tmp/nd-doctor-pwned; echo '$(id)`id`\n-rf";
  const input = probeInput(N, [{ kind: 'S', path: evil }]);
  const r = spawnSync('sh', ['-s'], { input, encoding: 'utf8', timeout: 10_000 });
  const out = parseSections(r.stdout, N);
  const rec = out.records.find((x) => x.startsWith('S 1 '));
  assert.ok(rec, r.stdout + r.stderr);
  assert.match(rec, /No such file/);
  // ls quotes the name in its message; every piece of it reached ls as one argument
  for (const part of ['/tmp/x', 'touch /tmp/nd-doctor-pwned', '$(id)`id`', '-rf']) assert.ok(rec.includes(part), `"${part}" in ${rec}`);
  assert.equal(spawnSync('test', ['-e', '/tmp/nd-doctor-pwned']).status, 1, 'nothing ran');
});

// nginxDoctor.backends / --backends: checked before anything starts (destinations as for --ssh,
// systemd unit names only), matched to the config's backends by address first, then by upstream
// name; the extension passes the setting to the CLI as --backends JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfigSet, defaultCatalog } from '../../server/src/core/index';
import { mappingOf, parseBackendMap } from '../../server/src/doctor/backend-map';
import { backendHostInput, BACKEND_HOST } from '../../server/src/doctor/backend-script';
import { backendsOf } from '../../server/src/doctor/targets';
import { SourceError } from '../../server/src/remote/check-input';
import { doctorArgs } from '../../client/src/doctor/run';
import { memoryHost } from '../helpers/memory-host';

test('parseBackendMap: the setting as mappings; hostile or malformed entries refused with the reason', () => {
  assert.deepEqual(parseBackendMap({ app_pool: { host: 'deploy@app1', unit: 'gunicorn.service' }, 'unix:/run/php.sock': { unit: 'php8.2-fpm.service', sudo: true } }), [
    { key: 'app_pool', host: 'deploy@app1', unit: 'gunicorn.service', sudo: false },
    { key: 'unix:/run/php.sock', host: null, unit: 'php8.2-fpm.service', sudo: true },
  ]);
  assert.deepEqual(parseBackendMap(undefined), []);
  for (const [v, why] of [
    [{ a: { host: '-oProxyCommand=x', unit: 'a' } }, /starts with "-"/],
    [{ a: { host: 'a;b', unit: 'a' } }, /the host may only contain/],
    [{ a: { unit: 'a b' } }, /not a systemd unit name/],
    [{ a: { unit: '--help' } }, /not a systemd unit name/],
    [{ a: { unit: 'x\\x2dy.service' } }, /not a systemd unit name/],
    [{ a: { unit: 'a', sudo: 'yes' } }, /"sudo" must be true or false/],
    [{ a: 'gunicorn' }, /must be an object/],
    [{ '': { unit: 'a' } }, /not an address or upstream name/],
    [['a'], /backends must be an object/],
  ] as const) assert.throws(() => parseBackendMap(v), (e: unknown) => e instanceof SourceError && why.test(e.message), JSON.stringify(v));
});

test('mappingOf: an address key wins over the upstream name; names match case-insensitively', () => {
  const set = buildConfigSet('/n.conf', { host: memoryHost({ '/n.conf': 'events {}\nhttp {\n upstream App { server 10.0.0.5:80; server 10.0.0.6:80; }\n server { location / { proxy_pass http://App; } location /u { proxy_pass http://unix:/run/u.sock:/; } }\n}\n' }), catalog: defaultCatalog() });
  const [a, b, u] = backendsOf(set);
  const maps = parseBackendMap({ app: { host: 'h1', unit: 'pool.service' }, '10.0.0.6:80': { host: 'h2', unit: 'one.service' }, 'unix:/run/u.sock': { unit: 'u.service' } });
  assert.equal(mappingOf(a!, maps)?.unit, 'pool.service');
  assert.equal(mappingOf(b!, maps)?.unit, 'one.service');
  assert.equal(mappingOf(u!, maps)?.unit, 'u.service');
  assert.equal(mappingOf(a!, []), null);
});

test('the backend program gets units as quoted positional parameters, and refuses odd ones itself too', () => {
  const input = backendHostInput('ab'.repeat(16), ["it's.service"]);
  assert.ok(input.startsWith(`set -- 'abababababababababababababababab' 'it'\\''s.service'\n`));
  assert.match(BACKEND_HOST, /case \$U in -\*\|\*\[!A-Za-z0-9:_\.@-\]\*\) printf '\\n%s BADUNIT %s\\n'/);
  assert.match(BACKEND_HOST, /systemctl is-active -- "\$U"/);
});

test('the extension passes nginxDoctor.backends as --backends JSON (nothing when empty)', () => {
  const base = { cli: '/x/cli.js', target: { key: 'local', label: 'This machine', sudo: false }, saveConfigDir: '/tmp/s' };
  const map = { app_pool: { host: 'deploy@app1', unit: 'gunicorn.service' } };
  const args = doctorArgs({ ...base, backends: map });
  assert.deepEqual(args.slice(args.indexOf('--backends')), ['--backends', JSON.stringify(map)]);
  assert.ok(!doctorArgs({ ...base, backends: {} }).includes('--backends'));
  assert.ok(!doctorArgs(base).includes('--backends'));
});

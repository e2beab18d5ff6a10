// `nginx-doctor tail` with several hosts: every --ssh gets the paths given (or nginx's default
// error log), several hosts link to their deployed configs, --sources reads a file or the JSON
// itself, and each source knows its host (the `host` of every event).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTailSources } from '../../server/src/cli/tail';
import { UsageError } from '../../server/src/cli/args';
import { hostOf } from '../../server/src/tail/sources';

test('several --ssh: one source per host and path, named host:path, linked to each deployed config', () => {
  const { specs } = parseTailSources(['--ssh', 'web1', '--ssh', 'deploy@web2', '--ssh', 'web1', '--sudo']);
  assert.deepEqual(specs.map((s) => [s.name, s.kind === 'ssh' ? s.dest : '', s.kind === 'ssh' && s.sudo, s.config, hostOf(s)]), [
    ['web1:/var/log/nginx/error.log', 'web1', true, 'remote', 'web1'],
    ['deploy@web2:/var/log/nginx/error.log', 'deploy@web2', true, 'remote', 'deploy@web2'],
  ]);
  const two = parseTailSources(['--ssh', 'a', '--ssh', 'b', '/var/log/nginx/error.log', '/var/log/nginx/api.error.log']).specs;
  assert.deepEqual(two.map((s) => s.name), ['a:/var/log/nginx/error.log', 'a:/var/log/nginx/api.error.log', 'b:/var/log/nginx/error.log', 'b:/var/log/nginx/api.error.log']);
  // one host keeps today's meaning: the local config unless --remote-config
  assert.equal(parseTailSources(['--ssh', 'a', '/var/log/x.log']).specs[0]!.config, undefined);
});

test('--sources: a file holding the list, or the JSON itself; a hostile host in it is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nd-sources-'));
  try {
    const file = join(dir, 'fleet.json');
    writeFileSync(file, JSON.stringify([{ name: 'web1', host: 'web1', path: '/var/log/nginx/error.log', config: 'remote' }, { name: 'here', path: '/tmp/e.log' }]));
    const { specs } = parseTailSources(['--sources', file]);
    assert.deepEqual(specs.map((s) => [s.name, s.kind, hostOf(s)]), [['web1', 'ssh', 'web1'], ['here', 'file', hostname()]]);
    assert.equal(parseTailSources(['--sources', '[{"name":"x","path":"/tmp/x.log"}]']).specs[0]!.name, 'x');
    assert.throws(() => parseTailSources(['--sources', join(dir, 'missing.json')]), (e: unknown) => e instanceof UsageError && /cannot read/.test(e.message));
    writeFileSync(file, JSON.stringify([{ name: 'evil', host: '-oProxyCommand=touch /tmp/pwn', path: '/x' }]));
    assert.throws(() => parseTailSources(['--sources', file]), UsageError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

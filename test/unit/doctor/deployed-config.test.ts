import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployedConfig } from '../../../server/src/doctor/checks/deployed-config';
import { factsFor, rowOf } from './facts';

const MAIN = 'events {}\nhttp {\n    include sites/*.conf;\n}\n';
const SITE = 'server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:3000; }\n}\n';

function withWorkspace(files: Record<string, string>, fn: (root: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'nd-deployed-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    fn(join(dir, 'nginx.conf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const dump = (site: string) => ({ root: '/etc/nginx/nginx.conf', files: new Map([['/etc/nginx/nginx.conf', MAIN], ['/etc/nginx/sites/app.conf', site]]) });

test('deployed-config: the files nginx -T prints against the workspace, by relative path', () => {
  withWorkspace({ 'nginx.conf': MAIN, 'sites/app.conf': SITE }, (root) => {
    const same = rowOf(deployedConfig, { ...factsFor(), localRoot: root, dump: dump(SITE) });
    assert.equal(same.status, 'pass');
    assert.equal(same.found, '2 file(s) identical');
    const other = rowOf(deployedConfig, { ...factsFor(), localRoot: root, dump: dump(SITE.replace('3000', '3001')) });
    assert.equal(other.status, 'warn');
    assert.equal(other.found, '1 file(s) differ: sites/app.conf (from line 3)');
    assert.deepEqual(other.location, { file: join(root, '..', 'sites', 'app.conf'), line: 3 });
  });
  withWorkspace({ 'nginx.conf': MAIN }, (root) => {
    const missing = rowOf(deployedConfig, { ...factsFor(), localRoot: root, dump: dump(SITE) });
    assert.equal(missing.status, 'warn');
    assert.equal(missing.found, '1 deployed file(s) not in the workspace: sites/app.conf');
  });
});

test('deployed-config: nothing to compare without a workspace config or nginx -T', () => {
  assert.match(rowOf(deployedConfig, factsFor()).found, /no workspace config given/);
  const noDump = rowOf(deployedConfig, { ...factsFor({ config: MAIN }), dump: null });
  assert.equal(noDump.status, 'skip');
  assert.equal(noDump.found, 'cannot compare: nginx -T printed no config');
  assert.equal(rowOf(deployedConfig, { ...factsFor({ config: MAIN, host: { nginxV: null } }), dump: null }).found, 'cannot compare: nginx is not installed');
});

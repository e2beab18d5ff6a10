// Differential tier: "Fix all" on configs nobody here wrote for the fixes. Every entry of
// test/corpus/valid/ (configs nginx accepts, many with snippets and includes) is copied into a
// fresh prefix (its own files over the oracle's shared assets: snippets/, proxy_params ...),
// fixed with fixAll() exactly as `nginx-doctor fix` does (nginx 1.22.1, the default catalog), and
// judged again by the real `nginx -t`: a fix may change what a config does, never make nginx
// refuse it. Every edit must stay inside the copy. Copies are real files, never links into the
// corpus, so the corpus is not touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defaultCatalog, fixAll } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { makePrefix, nginxBinary, nginxTest, removePrefix } from '../helpers/nginx-oracle';
import { REPO } from '../helpers/repo';

const VALID = join(REPO, 'test', 'corpus', 'valid');
const HOST_ONLY = /host not found in |could not be resolved|cannot load certificate|mkdir\(\) ".*" failed/;

/** Copies a corpus entry into the prefix (its nginx.conf at the prefix's top) and returns the root. */
function stage(entry: string, prefix: string): string {
  const source = join(VALID, entry);
  const root = join(prefix, 'nginx.conf');
  if (statSync(source).isDirectory()) cpSync(source, prefix, { recursive: true, dereference: true, force: true });
  else cpSync(source, root, { dereference: true });
  return root;
}

test('Fix all on every valid corpus config leaves a config nginx -t accepts, edited only inside it', (t) => {
  assert.ok(nginxBinary(), 'nginx is not installed: run .ci/run (it installs Debian\'s nginx)');
  const catalog = defaultCatalog();
  const problems: string[] = [];
  const counts = { fixed: 0, unchanged: 0, skipped: 0, fixes: 0 };
  const entries = readdirSync(VALID).sort().filter((e) => e.endsWith('.conf') || existsSync(join(VALID, e, 'nginx.conf')));
  for (const entry of entries) {
    const prefix = makePrefix();
    try {
      const root = stage(entry, prefix);
      const before = nginxTest(root, prefix);
      // what only the host decides (DNS, certificate files) is not ours to judge
      if (!before.ok) {
        counts.skipped++;
        if (!HOST_ONLY.test(before.raw)) problems.push(`${entry}: nginx -t refuses the staged copy before any fix:\n${before.raw}`);
        continue;
      }
      const result = fixAll(root, { host: new DiskHost(), catalog, nginxVersion: '1.22.1' });
      if (result.changed.size === 0) {
        counts.unchanged++;
        continue;
      }
      const outside = [...result.changed.keys()].filter((f) => relative(prefix, f).startsWith('..'));
      if (outside.length) {
        problems.push(`${entry}: Fix all edits files outside the config: ${outside.join(', ')}`);
        continue;
      }
      const originals = new Map([...result.changed.keys()].map((f) => [f, readFileSync(f, 'utf8')]));
      for (const [file, text] of result.changed) writeFileSync(file, text);
      counts.fixed++;
      counts.fixes += result.applied;
      const afterFix = nginxTest(root, prefix);
      if (!afterFix.ok) {
        const diffs = [...result.changed].map(([f, text]) => `--- ${relative(prefix, f)}\n${lineDiff(originals.get(f)!, text)}`);
        problems.push(`${entry}: nginx -t refuses the fixed config:\n${afterFix.raw.trim()}\n${diffs.join('\n')}`);
      }
    } finally {
      removePrefix(prefix);
    }
  }
  t.diagnostic(`corpus/valid: ${counts.fixed} configs fixed (${counts.fixes} fixes), ${counts.unchanged} had nothing to fix, ${counts.skipped} skipped (host-only)`);
  assert.ok(counts.fixed >= 20, `only ${counts.fixed} corpus configs had something to fix`);
  assert.deepEqual(problems, [], problems.join('\n\n'));
});

/** The lines added and removed, for the failure message. */
function lineDiff(a: string, b: string): string {
  const before = a.split('\n');
  const after = b.split('\n');
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endA = before.length;
  let endB = after.length;
  while (endA > start && endB > start && before[endA - 1] === after[endB - 1]) {
    endA--;
    endB--;
  }
  return [...before.slice(start, endA).map((l) => `- ${l}`), ...after.slice(start, endB).map((l) => `+ ${l}`)].join('\n');
}

// Debian's own /etc/nginx/proxy_params (installed with its nginx, not written here), included at
// server level as so many tutorials do: a location that adds one header of its own gets the include
// back, not the file's lines (nor its long comment) pasted in; nginx -t accepts the result.
test('Debian\'s /etc/nginx/proxy_params included in a server: the dropped-headers fix repeats the include, nginx -t accepts it', () => {
  const params = '/etc/nginx/proxy_params';
  assert.ok(existsSync(params), `${params} is missing: Debian's nginx package installs it`);
  const prefix = makePrefix();
  try {
    const root = join(prefix, 'nginx.conf');
    writeFileSync(root, `events {}
http {
    access_log off;
    server {
        listen 127.0.0.1:20995;
        include ${params};

        location /api/ {
            proxy_pass http://127.0.0.1:8000;
            proxy_set_header X-Request-Id $request_id;
        }
    }
}
`);
    const result = fixAll(root, { host: new DiskHost(), catalog: defaultCatalog(), nginxVersion: '1.22.1' });
    const text = result.changed.get(root);
    assert.ok(text, 'Fix all changed the config');
    assert.match(text, /proxy_set_header X-Request-Id \$request_id;\n {12}include \/etc\/nginx\/proxy_params;\n/);
    assert.equal(text.match(/include \/etc\/nginx\/proxy_params;/g)?.length, 2);
    assert.equal([...result.changed.keys()].join(), root, 'only the config was edited, never Debian\'s file');
    writeFileSync(root, text);
    const r = nginxTest(root, prefix);
    assert.ok(r.ok, r.raw);
  } finally {
    removePrefix(prefix);
  }
});

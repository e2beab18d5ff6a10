// Differential tier: the values the upstream-buffers-invalid fix writes, judged by the real nginx
// (Debian's nginx -t). For each shape of the busy-buffers refusal people run into: nginx rejects
// the config as written; "Fix all" writes the conventional line the rule promises (the count
// kept, each buffer the smallest power of two at least proxy_buffer_size; or, when an explicit
// busy size rules that out, the smallest power-of-two count); nginx accepts the result; and where
// the fix went above that kind's floor, the next smaller value of the same kind is one nginx
// rejects, so the value is the smallest that works by nginx's own judgement, not the rule's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog, fixAll } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { makePrefix, nginxBinary, nginxTest, removePrefix } from '../helpers/nginx-oracle';

const MINUS_ONE = /"(proxy|fastcgi)_busy_buffers_size" must be less than the size of all "\1_buffers" minus one buffer/;

interface Case {
  name: string;
  /** Lines of the location (the *_pass is added). */
  lines: string[];
  module: 'proxy' | 'fastcgi';
  /** The line the fix must write. */
  expected: string;
  /**
   * The same kind of value one step smaller (half the size, or half the count), when that is still
   * of the kind the rule promises (a size not below proxy_buffer_size and the current buffers, a
   * count above the current one): nginx must reject it. Null when the fix wrote the floor itself.
   */
  smaller: string | null;
}

const CASES: Case[] = [
  { name: 'proxy_buffer_size 16k alone (the demo)', module: 'proxy', lines: ['proxy_buffer_size 16k;'], expected: 'proxy_buffers 8 16k;', smaller: null },
  { name: 'proxy_buffer_size 32k alone', module: 'proxy', lines: ['proxy_buffer_size 32k;'], expected: 'proxy_buffers 8 32k;', smaller: null },
  { name: 'proxy_buffer_size 20k (not a power of two)', module: 'proxy', lines: ['proxy_buffer_size 20k;'], expected: 'proxy_buffers 8 32k;', smaller: null },
  { name: 'four buffers chosen by hand, header buffer 8k', module: 'proxy', lines: ['proxy_buffers 4 4k;', 'proxy_buffer_size 8k;'], expected: 'proxy_buffers 4 8k;', smaller: null },
  { name: 'explicit busy size 64k alone', module: 'proxy', lines: ['proxy_busy_buffers_size 64k;'], expected: 'proxy_buffers 8 16k;', smaller: 'proxy_buffers 8 8k;' },
  { name: 'explicit busy size 6k caps the size: the count grows', module: 'proxy', lines: ['proxy_buffers 2 4k;', 'proxy_busy_buffers_size 6k;'], expected: 'proxy_buffers 4 4k;', smaller: null },
  { name: 'explicit busy size 14k caps the size: the count grows to 8', module: 'proxy', lines: ['proxy_buffers 2 4k;', 'proxy_busy_buffers_size 14k;'], expected: 'proxy_buffers 8 4k;', smaller: 'proxy_buffers 4 4k;' },
  { name: 'fastcgi_buffer_size 32k alone', module: 'fastcgi', lines: ['fastcgi_buffer_size 32k;'], expected: 'fastcgi_buffers 8 32k;', smaller: null },
];

function config(c: Case): string {
  const pass = c.module === 'proxy' ? 'proxy_pass http://127.0.0.1:9;' : 'fastcgi_pass 127.0.0.1:9;';
  const body = [pass, ...c.lines].map((l) => `            ${l}`).join('\n');
  return `events {}

http {
    access_log off;
    client_body_temp_path temp/body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;

    server {
        listen 127.0.0.1:20997;

        location / {
${body}
        }
    }
}
`;
}

let prefix: string | undefined;
after(() => {
  if (prefix) removePrefix(prefix);
});

test('upstream-buffers-invalid writes the smallest conventional *_buffers that nginx -t accepts', (t) => {
  assert.ok(nginxBinary(), 'nginx is not installed: run .ci/run (it installs Debian\'s nginx)');
  prefix = makePrefix();
  const conf = join(prefix, 'nginx.conf');
  const problems: string[] = [];
  for (const c of CASES) {
    writeFileSync(conf, config(c));
    const before = nginxTest(conf, prefix);
    if (before.ok || !MINUS_ONE.test(before.raw)) problems.push(`${c.name}: nginx -t should refuse it as written:\n${before.raw}`);

    const result = fixAll(conf, { host: new DiskHost(), catalog: defaultCatalog(), nginxVersion: '1.22.1' });
    const fixed = result.changed.get(conf);
    if (!fixed) {
      problems.push(`${c.name}: Fix all changed nothing`);
      continue;
    }
    const written = fixed.split('\n').map((l) => l.trim()).filter((l) => /^(proxy|fastcgi)_buffers /.test(l));
    if (!written.includes(c.expected)) problems.push(`${c.name}: expected "${c.expected}", the fix wrote ${JSON.stringify(written)}`);
    writeFileSync(conf, fixed);
    const afterFix = nginxTest(conf, prefix);
    if (!afterFix.ok) problems.push(`${c.name}: nginx -t rejects the fixed config:\n${afterFix.raw}\n${fixed}`);

    if (c.smaller) {
      writeFileSync(conf, fixed.replace(c.expected, c.smaller));
      const smaller = nginxTest(conf, prefix);
      if (smaller.ok) problems.push(`${c.name}: "${c.smaller}" passes nginx -t too, so "${c.expected}" is not the smallest of its kind`);
    }
    t.diagnostic(`${c.name}: ${c.expected}`);
  }
  assert.deepEqual(problems, [], problems.join('\n\n'));
});

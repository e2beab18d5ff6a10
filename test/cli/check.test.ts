// `nginx-doctor check` as users and CI run it: output formats, file names, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, FIXTURES } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';

const dir = join(FIXTURES, 'cli');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('text output: file:line:col: severity [rule] message, through includes, exit 1', () => {
  const r = run('check', 'site/nginx.conf');
  assert.equal(r.code, 1, r.err);
  assert.equal(
    r.out,
    'site/conf.d/app.conf:4:9: error [unknown-directive] unknown directive "proxy_pas"; did you mean "proxy_pass"?\n' +
      'site/nginx.conf:6:14: error [invalid-flag-value] invalid value "yes" in "gzip" directive, it must be "on" or "off"\n',
  );
});

test('json output has the documented fields, 1-based', () => {
  const r = run('check', '--format', 'json', 'site/nginx.conf');
  assert.equal(r.code, 1);
  const { diagnostics } = JSON.parse(r.out) as { diagnostics: Record<string, unknown>[] };
  assert.deepEqual(diagnostics[1], {
    file: 'site/nginx.conf', line: 6, column: 14, endLine: 6, endColumn: 17,
    severity: 'error', code: 'invalid-flag-value',
    message: 'invalid value "yes" in "gzip" directive, it must be "on" or "off"',
  });
  assert.equal(diagnostics[0]!.file, 'site/conf.d/app.conf');
});

test('sarif output is SARIF 2.1.0 with rules and regions', () => {
  const r = run('check', '--format=sarif', 'site/nginx.conf');
  assert.equal(r.code, 1);
  const log = JSON.parse(r.out);
  assert.equal(log.version, '2.1.0');
  const run0 = log.runs[0];
  assert.equal(run0.tool.driver.name, 'nginx-doctor');
  assert.deepEqual(run0.tool.driver.rules.map((x: { id: string }) => x.id).sort(), ['invalid-flag-value', 'unknown-directive']);
  assert.deepEqual(run0.results[1].locations[0].physicalLocation.region, { startLine: 6, startColumn: 14, endLine: 6, endColumn: 17 });
  assert.equal(run0.results[1].level, 'error');
});

test('a clean config exits 0 with no output; an included file given too is not checked twice', () => {
  const r = run('check', 'clean.conf');
  assert.deepEqual([r.code, r.out, r.err], [0, '', '']);
  const both = run('check', 'site/nginx.conf', 'site/conf.d/app.conf');
  assert.equal(both.out.split('\n').filter(Boolean).length, 2);
});

test('--rule changes severities: no error left means exit 0', () => {
  const r = run('check', '--rule', 'unknown-directive=warning', '--rule', 'invalid-flag-value=off', 'site/nginx.conf');
  assert.equal(r.code, 0);
  assert.match(r.out, /warning \[unknown-directive\]/);
  assert.doesNotMatch(r.out, /invalid-flag-value/);
});

test('--stable-host silences static-hostname-upstream for the names given (a wildcard covers a domain)', () => {
  const t = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        location / { proxy_pass http://api:5001; }\n        location /r/ { proxy_pass http://reports.example.net:8080; }\n    }\n}\n' });
  try {
    const cli = (...a: string[]) => spawnSync(process.execPath, [CLI, 'check', ...a, join(t.dir, 'nginx.conf')], { encoding: 'utf8', timeout: 20_000 });
    const all = cli();
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /:5:\d+: warning \[static-hostname-upstream\] "api" is resolved only when nginx starts/);
    assert.match(all.stdout, /:6:\d+: info \[static-hostname-upstream\] "reports\.example\.net"/);
    const quiet = cli('--stable-host', 'api', '--stable-host', '*.example.net');
    assert.deepEqual([quiet.status, quiet.stdout], [0, '']);
  } finally {
    t.remove();
  }
});

test('a snippet is checked in an inferred context, with a note on stderr', () => {
  const r = run('check', 'site/conf.d/app.conf');
  assert.equal(r.code, 1);
  assert.match(r.err, /checked as if included in "http"/);
  assert.match(r.out, /unknown directive "proxy_pas"/);
});

test('usage and I/O failures exit 2 with a clear message', () => {
  const cases: [string[], RegExp][] = [
    [['check'], /at least one config file/],
    [['check', '--format', 'xml', 'clean.conf'], /--format must be text, json or sarif/],
    [['check', '--bogus', 'clean.conf'], /unknown option --bogus/],
    [['check', '--nginx-version', 'latest', 'clean.conf'], /--nginx-version must look like 1.24.0/],
    [['check', 'does-not-exist.conf'], /cannot read "does-not-exist.conf"/],
    [['check', 'site'], /it is a directory/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}`);
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  }
});

test('--version and --help', () => {
  assert.match(run('--version').out, /^\d+\.\d+\.\d+\n$/);
  const help = run('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /nginx-doctor check \[--format text\|json\|sarif\]/);
});

test('a relative root path expands a glob in the first segment of an include, as the absolute path does', () => {
  const tree = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    include *.inc;\n}\n', 'x.inc': 'server { lisen 80; }\n' });
  try {
    const at = (cwd: string, path: string) => spawnSync(process.execPath, [CLI, 'check', path], { cwd, encoding: 'utf8', timeout: 20_000 });
    const relative = at(tree.dir, 'nginx.conf');
    const absolute = at('/', tree.path('nginx.conf'));
    assert.equal(relative.status, 1, relative.stderr);
    assert.equal(relative.stdout, 'x.inc:1:10: error [unknown-directive] unknown directive "lisen"; did you mean "listen"?\n');
    assert.equal(absolute.stdout, `${tree.path('x.inc')}:1:10: error [unknown-directive] unknown directive "lisen"; did you mean "listen"?\n`);
  } finally {
    tree.remove();
  }
});

// Differential tier: real `nginx -t` is the oracle for every config under test/corpus/.
//
//   valid/    nginx accepts each one      -> nginx-doctor must report no error-severity diagnostic
//   invalid/  nginx rejects each one      -> nginx-doctor must report an error, on nginx's FILE:LINE
//             when nginx names one; line 1 of each root file is "# expect: <nginx's message>"
//
// A corpus entry is either NNN-name.conf (one root config) or a folder NNN-name/ whose nginx.conf
// is the root (it includes conf.d/, sites-enabled/, snippets/ ... relative to its own directory).
// Every entry is staged into one temporary prefix (see stageConfig in ../helpers/nginx-oracle),
// so `certs/server.crt`, `mime.types`, `snippets/...`, `fastcgi_params` resolve to the assets the
// oracle writes. nginx and the CLI see the very same staged paths; the CLI runs once for all of
// them. Reported paths are mapped back to the corpus through realpath.
//
// nginx is required: without it this tier fails (CI installs Debian's nginx + dynamic modules).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve, relative } from 'node:path';
import { CLI, REPO } from '../helpers/repo';
import {
  dynamicModules,
  makePrefix,
  nginxBinary,
  nginxTest,
  nginxTestRunsAsRoot,
  nginxVersion,
  removePrefix,
  stageConfig,
  type NginxMessage,
  type NginxResult,
} from '../helpers/nginx-oracle';

const CORPUS = join(REPO, 'test', 'corpus');
const MIN_VALID = 200;
/** The nginx whose messages the "# expect:" comments were copied from. */
const EXPECT_VERSION = '1.22.1';
const FATAL = new Set(['emerg', 'alert', 'crit', 'error']);

interface Entry {
  kind: 'valid' | 'invalid';
  /** e.g. "valid/001-basic-reverse-proxy.conf" or "invalid/121-error-in-included-site" */
  name: string;
  /** The corpus file or folder (realpath). */
  source: string;
  /** The root config inside the corpus (realpath). */
  root: string;
  isFolder: boolean;
}

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  code: string;
  message: string;
}

function listCorpus(kind: 'valid' | 'invalid'): Entry[] {
  const dir = join(CORPUS, kind);
  if (!existsSync(dir)) return [];
  const out: Entry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const source = realpathSync(join(dir, name));
    if (statSync(source).isDirectory()) {
      if (existsSync(join(source, 'nginx.conf'))) {
        out.push({ kind, name: `${kind}/${name}`, source, root: join(source, 'nginx.conf'), isFolder: true });
      }
    } else if (name.endsWith('.conf')) {
      out.push({ kind, name: `${kind}/${name}`, source, root: source, isFolder: false });
    }
  }
  return out;
}

const VALID = listCorpus('valid');
const INVALID = listCorpus('invalid');
const ALL = [...VALID, ...INVALID];

/** Absolute, symlink-free path (falls back to a plain resolve for paths that do not exist). */
function canonical(p: string, base = REPO): string {
  const abs = resolve(base, p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

function belongsTo(entry: Entry, file: string): boolean {
  return entry.isFolder ? file === entry.source || file.startsWith(`${entry.source}/`) : file === entry.root;
}

function show(file: string): string {
  return file.startsWith(`${REPO}/`) ? relative(REPO, file) : file;
}

// ---------------------------------------------------------------------------------------------
// Setup, done once and shared by every test (memoized; throws a readable error when impossible)

interface NginxSide {
  prefix: string;
  staged: Map<Entry, string>;
  verdicts: Map<Entry, NginxResult>;
  ms: number;
}

interface CliSide {
  diagnostics: (Diagnostic & { canonicalFile: string })[];
  status: number | null;
  ms: number;
}

let nginxSide: NginxSide | undefined;
let cliSide: CliSide | Error | undefined;

function missingNginx(): Error {
  return new Error(
    'nginx binary not found: the differential tier runs real `nginx -t` as its oracle. ' +
      'Install it (Debian/Ubuntu: apt-get install nginx libnginx-mod-stream libnginx-mod-mail ' +
      'libnginx-mod-http-lua libnginx-mod-http-headers-more-filter libnginx-mod-http-js) or set NGINX_BIN.',
  );
}

let nginxFailure: unknown;

function getNginx(): NginxSide {
  if (nginxSide) return nginxSide;
  if (nginxFailure) throw nginxFailure;
  if (!nginxBinary()) throw missingNginx();
  const started = Date.now();
  const prefix = makePrefix();
  const staged = new Map<Entry, string>();
  const verdicts = new Map<Entry, NginxResult>();
  try {
    for (const e of ALL) {
      const conf = stageConfig(e.source, prefix, `${e.kind}-${basename(e.source)}`);
      staged.set(e, conf);
      verdicts.set(e, nginxTest(conf, prefix));
    }
  } catch (err) {
    removePrefix(prefix);
    nginxFailure = err;
    throw err;
  }
  nginxSide = { prefix, staged, verdicts, ms: Date.now() - started };
  return nginxSide;
}

function getCli(): CliSide {
  if (cliSide instanceof Error) throw cliSide;
  if (cliSide) return cliSide;
  const ngx = getNginx();
  try {
    if (!existsSync(CLI)) throw new Error(`${show(CLI)} not found: run "npm run build" first`);
    const args = [
      CLI, 'check', '--format', 'json',
      '--nginx-version', nginxVersion() ?? EXPECT_VERSION,
      '--prefix', ngx.prefix,
      ...ALL.map((e) => ngx.staged.get(e)!),
    ];
    const started = Date.now();
    const r = spawnSync(process.execPath, args, {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    const ms = Date.now() - started;
    if (r.error) throw new Error(`running the CLI failed: ${r.error.message}`);
    if (r.status !== 0 && r.status !== 1) {
      throw new Error(`the CLI exited with ${r.status} (signal ${r.signal}); stderr:\n${r.stderr}`);
    }
    let parsed: { diagnostics?: Diagnostic[] };
    try {
      parsed = JSON.parse(r.stdout) as { diagnostics?: Diagnostic[] };
    } catch {
      throw new Error(`the CLI did not print JSON on stdout:\n${r.stdout.slice(0, 2000)}\nstderr:\n${r.stderr}`);
    }
    if (!Array.isArray(parsed.diagnostics)) throw new Error('the CLI JSON has no "diagnostics" array');
    cliSide = {
      diagnostics: parsed.diagnostics.map((d) => ({ ...d, canonicalFile: canonical(d.file) })),
      status: r.status,
      ms,
    };
    return cliSide;
  } catch (e) {
    cliSide = e instanceof Error ? e : new Error(String(e));
    throw cliSide;
  }
}

after(() => {
  if (nginxSide) removePrefix(nginxSide.prefix);
});

// ---------------------------------------------------------------------------------------------
// Helpers over the two verdicts

function fatalMessages(r: NginxResult): NginxMessage[] {
  return r.messages.filter((m) => FATAL.has(m.level));
}

/** nginx's first fatal message with the prefix replaced by "<prefix>" and OpenSSL detail dropped. */
function normalizedMessage(text: string, prefix: string): string {
  return text
    .split(canonical(prefix)).join('<prefix>')
    .split(prefix).join('<prefix>')
    .replace(/ \(SSL: .*$/, '');
}

function expectComment(e: Entry): string | undefined {
  const first = readFileSync(e.root, 'utf8').split('\n', 1)[0]!.replace(/\r$/, '');
  const m = /^# expect: (.*)$/.exec(first);
  return m ? m[1] : undefined;
}

function errorsFor(e: Entry, cli: CliSide): CliSide['diagnostics'] {
  return cli.diagnostics.filter((d) => d.severity === 'error' && belongsTo(e, d.canonicalFile));
}

function fmtDiag(d: CliSide['diagnostics'][number]): string {
  return `${show(d.canonicalFile)}:${d.line}:${d.column}: ${d.severity} [${d.code}] ${d.message}`;
}

function fmtNginx(r: NginxResult): string {
  const m = fatalMessages(r)[0];
  if (!m) return '(no fatal message)';
  return m.file ? `${m.text} in ${show(canonical(m.file))}:${m.line}` : m.text;
}

/** Which FILE:LINE must carry one of our errors (undefined when nginx names no location). */
function nginxLocation(r: NginxResult): { file: string; line: number } | undefined {
  const m = fatalMessages(r)[0];
  return m?.file && m.line ? { file: canonical(m.file), line: m.line } : undefined;
}

/**
 * Header comments (lines 2+) that adjust the comparison, each with a reason after "--":
 *   # ours: line N -- nginx points at a closing brace after merging; we point at the directive
 *   # static: no -- only the host knows (a certificate file that is missing on this machine)
 */
function header(e: Entry, key: 'ours' | 'static'): string | undefined {
  const lines = readFileSync(e.root, 'utf8').split('\n').slice(1, 6);
  const m = lines.map((l) => new RegExp(`^# ${key}: (.*?) -- .+$`).exec(l.replace(/\r$/, ''))).find(Boolean);
  return m ? m[1] : undefined;
}

/** Why `e` (rejected by nginx) is not matched by our errors, or undefined when it is. */
function invalidMismatch(e: Entry, r: NginxResult, cli: CliSide): string | undefined {
  if (header(e, 'static') === 'no') return undefined;
  const ours = errorsFor(e, cli);
  if (ours.length === 0) {
    const other = cli.diagnostics.filter((d) => belongsTo(e, d.canonicalFile)).map(fmtDiag);
    return `no error from nginx-doctor; nginx says: ${fmtNginx(r)}` + (other.length ? `\n      we said only:\n        ${other.join('\n        ')}` : '');
  }
  const nginxLoc = nginxLocation(r);
  const moved = header(e, 'ours');
  const loc = nginxLoc && moved ? { file: nginxLoc.file, line: Number(/^line (\d+)$/.exec(moved)?.[1] ?? NaN) } : nginxLoc;
  // nginx names the line where it read the directive's terminator: our range spans name to last argument
  if (loc && !ours.some((d) => d.canonicalFile === loc.file && d.line <= loc.line && loc.line <= d.endLine)) {
    return `no error on ${show(loc.file)}:${loc.line}; nginx says: ${fmtNginx(r)}\n      our errors:\n        ${ours.map(fmtDiag).join('\n        ')}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Tests

test('nginx is installed (the differential tier needs it)', () => {
  const bin = nginxBinary();
  if (!bin) throw missingNginx();
  const v = nginxVersion();
  assert.ok(v, `could not read the version of ${bin}`);
});

test('the corpus is honest: nginx accepts every valid config and rejects every invalid one as its "# expect:" says', (t) => {
  const ngx = getNginx();
  t.diagnostic(`nginx ${nginxVersion()}: ${ALL.length} configs checked with nginx -t in ${ngx.ms} ms`);
  t.diagnostic(`dynamic modules loaded: ${dynamicModules().map((m) => basename(m)).join(', ') || 'none'}`);
  const problems: string[] = [];
  const accepted = VALID.filter((e) => ngx.verdicts.get(e)!.ok);
  if (accepted.length < MIN_VALID) problems.push(`only ${accepted.length} valid configs accepted by nginx (want at least ${MIN_VALID})`);
  for (const e of VALID) {
    const r = ngx.verdicts.get(e)!;
    if (!r.ok) problems.push(`${e.name}: nginx rejects it: ${fmtNginx(r)}`);
  }
  const compareMessages = nginxVersion() === EXPECT_VERSION;
  if (!compareMessages) t.diagnostic(`nginx is not ${EXPECT_VERSION}: "# expect:" messages are not compared`);
  if (INVALID.length === 0) problems.push('the invalid corpus is empty');
  for (const e of INVALID) {
    const r = ngx.verdicts.get(e)!;
    if (r.ok) {
      problems.push(`${e.name}: nginx accepts it`);
      continue;
    }
    const expected = expectComment(e);
    const first = fatalMessages(r)[0];
    if (expected === undefined) problems.push(`${show(e.root)}: line 1 is not "# expect: <nginx's message>"`);
    else if (!first) problems.push(`${e.name}: nginx failed without a fatal message:\n${r.raw}`);
    else if (compareMessages && normalizedMessage(expected, ngx.prefix) !== normalizedMessage(first.text, ngx.prefix)) {
      problems.push(`${e.name}: "# expect: ${expected}" but nginx says "${normalizedMessage(first.text, ngx.prefix)}"`);
    }
  }
  if (problems.length && !nginxTestRunsAsRoot()) {
    problems.unshift(
      'NOTE: nginx -t ran as a normal user (not root, no passwordless sudo). Like on a server it must bind ' +
        'ports 80/443 and open /var/log/nginx/access.log, so run this tier as root or allow `sudo -n nginx`.',
    );
  }
  assert.equal(problems.length, 0, `corpus problems (${problems.length}):\n  ${problems.join('\n  ')}`);
});

test('valid corpus: nginx-doctor reports no error where nginx accepts the config', async (t) => {
  const ngx = getNginx();
  const cli = getCli();
  t.diagnostic(`nginx-doctor checked ${ALL.length} root configs in one run: ${cli.ms} ms`);
  // errors on files outside the corpus (the oracle's shared mime.types, snippets/ ...) are false
  // errors too: every config including them is accepted by nginx
  const stray = cli.diagnostics.filter(
    (d) => d.severity === 'error' && !ALL.some((e) => belongsTo(e, d.canonicalFile)),
  );
  const offenders: string[] = stray.map((d) => `(harness asset) ${fmtDiag(d)}`);
  for (const e of VALID) {
    if (!ngx.verdicts.get(e)!.ok) continue; // reported by the honesty test
    const errs = errorsFor(e, cli);
    if (errs.length) offenders.push(...errs.map(fmtDiag));
    await t.test(e.name, () => {
      assert.equal(errs.length, 0, `false errors (nginx -t accepts this config):\n  ${errs.map(fmtDiag).join('\n  ')}`);
    });
  }
  assert.equal(
    offenders.length,
    0,
    `${offenders.length} false error(s) on configs nginx accepts:\n  ${offenders.join('\n  ')}`,
  );
});

test('invalid corpus: nginx-doctor reports an error, on the FILE:LINE nginx names', async (t) => {
  const ngx = getNginx();
  const cli = getCli();
  const offenders: string[] = [];
  for (const e of INVALID) {
    const r = ngx.verdicts.get(e)!;
    if (r.ok) continue; // reported by the honesty test
    const why = invalidMismatch(e, r, cli);
    if (why) offenders.push(`${e.name}: ${why}`);
    await t.test(e.name, () => {
      assert.equal(why, undefined, why);
    });
  }
  assert.equal(offenders.length, 0, `${offenders.length} config(s) nginx rejects that we miss:\n  ${offenders.join('\n  ')}`);
});

test('the CLI exit status matches its diagnostics (1 when there is an error)', () => {
  const cli = getCli();
  const hasError = cli.diagnostics.some((d) => d.severity === 'error');
  assert.equal(cli.status, hasError ? 1 : 0);
});

// scripts/setup.mjs, the first step of `npm start` and `npm test` on a fresh Debian machine: it
// asks dpkg what is installed and installs what is missing (apt-get as root, `sudo -n` when that is
// allowed), or prints the one command to run and exits 1 having changed nothing. Run here with a
// PATH whose dpkg-query, apt-get, sudo and systemctl are stand-ins that record their calls (a
// machine without the packages, without touching this one's): as root, and as the unprivileged
// user `nobody` (setpriv) with and without passwordless sudo.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO } from '../helpers/repo';

const SCRIPT = join(REPO, 'scripts', 'setup.mjs');
/** Every package `setup.mjs test` asks for (the test checks it asks for exactly these when none is there). */
const TEST_PACKAGES = [
  'nginx', 'libnginx-mod-stream', 'libnginx-mod-mail', 'libnginx-mod-http-lua', 'libnginx-mod-http-headers-more-filter', 'libnginx-mod-http-js',
  'openssl', 'openssh-server', 'openssh-client', 'chromium', 'ca-certificates', 'neovim', 'logrotate', 'zsh', 'fish', 'time', 'util-linux', 'git',
  'prometheus', 'systemd',
  'ripgrep', 'libkrb5-dev', 'make', 'g++', 'python3',
];

let root: string;
const isRoot = process.getuid?.() === 0;
/** The unprivileged user's id. */
const UID = isRoot ? 65534 : process.getuid?.();

/** A fake machine: `installed` lists the packages dpkg knows; every call of the stand-ins goes to `calls`. */
function machine(name: string, installed: string[], opts: { sudo?: 'ok' | 'password' | 'none'; code?: boolean } = {}): { bin: string; state: string } {
  const dir = join(root, name);
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  mkdirSync(bin, { recursive: true });
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'installed'), installed.map((p) => `${p}\n`).join(''));
  writeFileSync(join(state, 'calls'), '');
  // writable by nobody too
  for (const p of [dir, bin, state, join(state, 'installed'), join(state, 'calls')]) chmodSync(p, 0o777);
  const script = (file: string, body: string): void => {
    writeFileSync(join(bin, file), `#!/bin/sh\nSTATE='${state}'\n${body}\n`);
    chmodSync(join(bin, file), 0o755);
  };
  script('dpkg-query', `pkg="$3"\nif grep -qx -- "$pkg" "$STATE/installed"; then printf 'install ok installed'; exit 0; fi\necho "dpkg-query: no packages found matching $pkg" >&2; exit 1`);
  script('apt-get', `echo "uid=$(id -u) apt-get $*" >> "$STATE/calls"\nif [ "$1" = install ]; then for a in "$@"; do case "$a" in install|-*) ;; *) echo "$a" >> "$STATE/installed";; esac; done; fi`);
  script('systemctl', `echo "uid=$(id -u) systemctl $*" >> "$STATE/calls"`);
  if (opts.sudo === 'ok') script('sudo', `[ "$1" = -n ] || { echo "sudo: -n expected" >&2; exit 2; }\nshift\necho "sudo $*" >> "$STATE/calls"\nif [ "$1" = true ]; then exit 0; fi\n"$@"`);
  if (opts.sudo === 'password') script('sudo', `echo "sudo $*" >> "$STATE/calls"\necho "sudo: a password is required" >&2; exit 1`);
  if (opts.code) script('code', 'exit 0');
  return { bin, state };
}

/** Runs the script as root (this user if root, else root of a user namespace) or as an unprivileged user (nobody, or this user). */
function setup(m: { bin: string }, args: string[], as: 'root' | 'user'): { status: number | null; out: string; err: string } {
  const env = { PATH: `${m.bin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: root };
  const node = [process.execPath, SCRIPT, ...args];
  const argv = as === 'root'
    ? (isRoot ? node : ['/usr/bin/unshare', '--map-root-user', ...node])
    : (isRoot ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node);
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const calls = (m: { state: string }): string[] => readFileSync(join(m.state, 'calls'), 'utf8').split('\n').filter(Boolean);

describe('scripts/setup.mjs', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nginx-doctor-setup-'));
    chmodSync(root, 0o777);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('everything there: nothing is run, exit 0', () => {
    const m = machine('complete', TEST_PACKAGES);
    const r = setup(m, ['test'], 'root');
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(calls(m), []);
    assert.equal(r.err, '');
  });

  test('as root on a machine without the packages: apt-get installs exactly the missing ones, then nginx and Prometheus are stopped', () => {
    const m = machine('root', ['git', 'make', 'time', 'util-linux']);
    const r = setup(m, ['test'], 'root');
    assert.equal(r.status, 0, r.err);
    const missing = TEST_PACKAGES.filter((p) => !['git', 'make', 'time', 'util-linux'].includes(p));
    assert.deepEqual(calls(m), [
      'uid=0 apt-get update -q',
      `uid=0 apt-get install -y -q --no-install-recommends ${missing.join(' ')}`,
      'uid=0 systemctl stop nginx',
      'uid=0 systemctl stop prometheus',
    ]);
    assert.match(r.out, /setup: installing the Debian packages npm test needs: nginx /);
  });

  test('as a user with passwordless sudo: the same through sudo -n', () => {
    const m = machine('sudo', TEST_PACKAGES.filter((p) => p !== 'chromium' && p !== 'neovim'), { sudo: 'ok' });
    const r = setup(m, ['test'], 'user');
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(calls(m), [
      'sudo true',
      'sudo apt-get update -q',
      `uid=${UID} apt-get update -q`,
      'sudo apt-get install -y -q --no-install-recommends chromium neovim',
      `uid=${UID} apt-get install -y -q --no-install-recommends chromium neovim`,
    ]);
  });

  test('as a user whose sudo asks for a password: one line with the exact command, exit 1, nothing installed', () => {
    const m = machine('password', TEST_PACKAGES.filter((p) => p !== 'nginx' && p !== 'ripgrep'), { sudo: 'password' });
    const r = setup(m, ['test'], 'user');
    assert.equal(r.status, 1);
    assert.equal(r.out, '');
    assert.equal(r.err, 'setup: npm test needs the Debian packages nginx ripgrep; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends nginx ripgrep, then npm test again\n');
    assert.deepEqual(calls(m), ['sudo -n true']);
    assert.ok(!readFileSync(join(m.state, 'installed'), 'utf8').split('\n').includes('nginx'));
  });

  test('as a user without sudo: the command to run as root (su -c), exit 1', () => {
    const m = machine('nosudo', TEST_PACKAGES.filter((p) => p !== 'fish'));
    const r = setup(m, ['test'], 'user');
    assert.equal(r.status, 1);
    assert.equal(r.err, "setup: npm test needs the Debian packages fish; run: su -c 'apt-get update && apt-get install -y --no-install-recommends fish', then npm test again\n");
    assert.deepEqual(calls(m), []);
  });

  test('--check only reports', () => {
    const m = machine('check', TEST_PACKAGES.filter((p) => p !== 'zsh'));
    const r = setup(m, ['test', '--check'], 'root');
    assert.equal(r.status, 1);
    assert.match(r.err, /^setup: npm test needs the Debian packages zsh; run: .*apt-get install -y --no-install-recommends zsh\n$/);
    assert.deepEqual(calls(m), []);
  });

  test('npm start with desktop VS Code on PATH needs no package', () => {
    const m = machine('code', [], { code: true });
    const r = setup(m, ['start'], 'root');
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(calls(m), []);
  });

  test('a failing apt-get stops it with the command that failed', () => {
    const m = machine('aptfail', TEST_PACKAGES.filter((p) => p !== 'openssl'));
    writeFileSync(join(m.bin, 'apt-get'), '#!/bin/sh\necho "E: Unable to locate package $*" >&2\nexit 100\n');
    const r = setup(m, ['test'], 'root');
    assert.equal(r.status, 1);
    assert.match(r.err, /setup: "apt-get update -q" failed \(exit code 100\); run it yourself, then npm test again/);
  });

  test('a wrong goal is a usage error', () => {
    const r = setup(machine('usage', []), ['deploy'], 'root');
    assert.equal(r.status, 2);
    assert.match(r.err, /usage: node scripts\/setup\.mjs start\|test/);
  });
});


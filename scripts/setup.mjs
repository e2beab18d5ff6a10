// Installs the Debian packages that `npm start` and `npm test` need, before they do anything else
// (README: `npm install && npm start`, `npm test` on a fresh Debian machine; .ci/run goes through
// `npm test` too). Usage: node scripts/setup.mjs start|test [--check]
//
// - What is installed is asked of dpkg (`dpkg-query -W`), so a package counts whatever PATH holds.
// - Missing packages are installed with `apt-get install -y --no-install-recommends` (after
//   `apt-get update`): directly when running as root, through `sudo -n` when that is allowed
//   without a password. Otherwise it prints one line with the exact command to run and exits 1,
//   having changed nothing. `--check` only reports (exit 1 when something is missing).
// - `start` needs nothing when desktop VS Code (`code`) is on PATH or code-server is already in
//   .vscode-test/code-server; else the packages its install needs (scripts/install-code-server.sh).
// - After installing nginx, the nginx the package started (on port 80) is stopped: the tests run
//   their own instances on loopback.
// Not Debian (no dpkg-query): says what the tests expect and goes on.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** What scripts/install-code-server.sh builds code-server with. */
const CODE_SERVER_BUILD = ['ripgrep', 'libkrb5-dev', 'make', 'g++', 'python3'];
/** What the test tiers run: nginx and its modules (oracle, layouts), sshd (tail, doctor), Chromium (e2e), Neovim (lsp), shells (completion), logrotate (tail), Prometheus (metrics). */
const TEST = [
  'nginx', 'libnginx-mod-stream', 'libnginx-mod-mail', 'libnginx-mod-http-lua',
  'libnginx-mod-http-headers-more-filter', 'libnginx-mod-http-js',
  'openssl', 'openssh-server', 'openssh-client', 'chromium', 'ca-certificates',
  'neovim', 'logrotate', 'zsh', 'fish', 'time', 'util-linux', 'git',
  // Prometheus scrapes the exporter, promtool checks the rules, systemd-analyze the unit (metrics)
  'prometheus', 'systemd',
  ...CODE_SERVER_BUILD,
];

const [goal, ...flags] = process.argv.slice(2);
if (goal !== 'start' && goal !== 'test') {
  console.error('usage: node scripts/setup.mjs start|test [--check]');
  process.exit(2);
}
const checkOnly = flags.includes('--check');

const wanted = goal === 'test' ? TEST : startNeeds();
if (wanted.length === 0) process.exit(0);

if (!onPath('dpkg-query')) {
  console.error(`setup: not a Debian system (no dpkg-query); ${goal} expects these Debian packages or their equivalents: ${wanted.join(' ')}`);
  process.exit(0);
}

const missing = wanted.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);

const install = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing];
const asRoot = process.getuid?.() === 0;
const hasSudo = !asRoot && !!onPath('sudo');
const sudo = hasSudo && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
if (checkOnly || (!asRoot && !sudo)) {
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const how = asRoot ? cmd : hasSudo ? cmd.replace(/apt-get/g, 'sudo apt-get') : `su -c '${cmd}'`;
  console.error(`setup: npm ${goal} needs the Debian packages ${missing.join(' ')}; run: ${how}${checkOnly ? '' : `, then npm ${goal} again`}`);
  process.exit(1);
}

const prefix = sudo ? ['sudo', '-n'] : [];
console.log(`setup: installing the Debian packages npm ${goal} needs: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
run([...prefix, 'apt-get', 'update', '-q']);
run([...prefix, ...install]);
if (missing.includes('nginx')) {
  // The package starts nginx on port 80; nothing here wants that one running.
  for (const stop of [['systemctl', 'stop', 'nginx'], ['service', 'nginx', 'stop'], ['nginx', '-s', 'stop']]) {
    const argv = [...prefix, ...stop];
    if (spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', env, timeout: 30_000 }).status === 0) break;
  }
}
if (missing.includes('prometheus')) {
  // likewise the packaged Prometheus on port 9090: the metrics tier runs its own on loopback
  for (const stop of [['systemctl', 'stop', 'prometheus'], ['service', 'prometheus', 'stop']]) {
    const argv = [...prefix, ...stop];
    if (spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', env, timeout: 30_000 }).status === 0) break;
  }
}
const still = missing.filter((p) => !installed(p));
if (still.length) {
  console.error(`setup: still missing after apt-get: ${still.join(' ')}`);
  process.exit(1);
}

function startNeeds() {
  if (!process.env.NGINX_DOCTOR_NO_CODE && onPath('code')) return [];
  const cache = join(REPO, '.vscode-test', 'code-server');
  if (spawnSync('bash', [join(REPO, 'scripts', 'install-code-server.sh'), '--check'], { stdio: 'ignore' }).status === 0 && existsSync(cache)) return [];
  return CODE_SERVER_BUILD;
}

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && /\binstall ok installed\b/.test(r.stdout);
}

function run(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env, timeout: 30 * 60_000 });
  if (r.status !== 0) {
    console.error(`setup: "${argv.join(' ')}" failed (${r.error ? r.error.message : `exit code ${r.status}`}); run it yourself, then npm ${goal} again`);
    process.exit(1);
  }
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

// `npm start` (after `npm run build`): opens demo/ in a real VS Code with this extension loaded.
// - With `code` on PATH: `code --extensionDevelopmentPath=<repo> <repo>/demo` (desktop VS Code).
// - Otherwise: code-server 4.100.3 from the cache in .vscode-test/code-server (installed on first
//   use by scripts/install-code-server.sh) on 127.0.0.1, no auth, telemetry and update checks off,
//   with the extension loaded unpacked from the repository; prints the URL to open, runs until
//   Ctrl+C. After `npm run build`, "Developer: Reload Window" picks up the new dist/.
// Environment: NGINX_DOCTOR_PORT=<port> (default: a free one), NGINX_DOCTOR_NO_CODE=1 (use
// code-server even when `code` is on PATH), NGINX_DOCTOR_START_FOLDER=<dir> (open another folder
// than demo/), NGINX_DOCTOR_START_STATE=<dir> (code-server's extensions and user data; default
// .vscode-test/start). The e2e tier's start.test.ts runs this script with the last two.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const DEMO = process.env.NGINX_DOCTOR_START_FOLDER || join(REPO, 'demo');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const ENTRY = join(REPO, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const STATE = process.env.NGINX_DOCTOR_START_STATE || join(REPO, '.vscode-test', 'start');

if (!existsSync(join(REPO, 'dist', 'extension.js'))) {
  console.error('start: dist/extension.js is missing; run "npm run build" (npm start does it for you)');
  process.exit(1);
}

const code = process.env.NGINX_DOCTOR_NO_CODE ? undefined : onPath('code');
if (code) {
  console.log(`start: ${code} --extensionDevelopmentPath=${REPO} ${DEMO}`);
  const r = spawnSync(code, [`--extensionDevelopmentPath=${REPO}`, DEMO], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// code-server
const install = spawnSync('bash', [join(REPO, 'scripts', 'install-code-server.sh')], { stdio: 'inherit', timeout: 15 * 60_000 });
if (install.status !== 0) {
  console.error('start: could not install code-server (see above)');
  process.exit(1);
}

// The extension, unpacked: a link named publisher.name-version to the repository itself, so a
// rebuild shows up on reload. Not a folder of links to package.json, dist/...: VS Code tells which
// extension called `require('vscode')` by the real path of the calling file, and dist/extension.js
// resolved outside such a folder, so the formatter was registered for no extension ("configured as
// formatter but it cannot format", "Null Extension Description"). Recreated on every start (the
// version may change).
const extensions = join(STATE, 'extensions');
rmSync(extensions, { recursive: true, force: true });
mkdirSync(extensions, { recursive: true });
symlinkSync(REPO, join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');

const userData = join(STATE, 'user-data');
const settingsFile = join(userData, 'User', 'settings.json');
if (!existsSync(settingsFile)) {
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
  }, null, 2));
}

const port = Number(process.env.NGINX_DOCTOR_PORT) || (await freePort());
const xdg = join(STATE, 'xdg');
const server = spawn(process.execPath, [
  ENTRY,
  '--auth', 'none',
  '--bind-addr', `127.0.0.1:${port}`,
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
  '--extensions-dir', extensions,
  '--user-data-dir', userData,
  DEMO,
], {
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache') },
});
let output = '';
server.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
server.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));

let stopping = false;
const stop = (code) => {
  stopping = true;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // gone
    }
    process.exit(code);
  }, 2000).unref();
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
server.on('exit', (c, sig) => {
  if (stopping) process.exit(0);
  console.error(`start: code-server exited (code ${c}, signal ${sig})\n${output.slice(-3000)}`);
  process.exit(1);
});

const deadline = Date.now() + 60_000;
for (;;) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) break;
  } catch {
    // not up yet
  }
  if (Date.now() > deadline) {
    console.error(`start: code-server did not answer on 127.0.0.1:${port} within 60 s\n${output.slice(-3000)}`);
    stop(1);
    await new Promise(() => undefined);
  }
  await new Promise((r) => setTimeout(r, 200));
}

console.log(`
nginx-doctor ${pkg.version} in code-server, with the demo workspace:

    http://127.0.0.1:${port}/?folder=${encodeURI(DEMO)}

Open nginx.conf or a file under sites-enabled/ to see the diagnostics. After "npm run build",
run "Developer: Reload Window" to load the new build. Ctrl+C stops the server.
`);

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

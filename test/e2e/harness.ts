// The real-editor harness: code-server 4.100.3 (VS Code 1.100.3's workbench and Node extension
// host) driven by Debian's Chromium through playwright-core. See docs/e2e.md.
//
// - ensureCodeServer(): the cached install (scripts/install-code-server.sh, bounded time).
// - buildExtensions(): packages nginx-doctor into a .vsix with vsce (from a staging copy, so the
//   repository's dist/ is not rewritten under other test tiers), plus the test-only host-suite
//   extension, and compiles the in-host Mocha suite.
// - startSession(): a copy of the workspace, a fresh extensions dir (the .vsix files installed
//   with --install-extension) and user-data dir, code-server on 127.0.0.1:<free port>, Chromium on
//   the workbench. close() always kills everything; an exit hook kills what a crash left behind.
// Every wait has a deadline; conditions are polled or awaited, never slept on alone.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from '../helpers/repo';

export const CODE_SERVER_VERSION = '4.100.3';
const CACHE = join(REPO, '.vscode-test', 'code-server');
const ENTRY = join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const VSCE = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
export const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');
export const HOST_SUITE_DIR = join(REPO, 'out', 'test', 'e2e', 'host-suite');
const CHROMIUM = process.env.NGINX_DOCTOR_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
/** Keep the temporary folders of sessions (for debugging). */
const KEEP = !!process.env.NGINX_DOCTOR_E2E_KEEP;

// ---------------------------------------------------------------------------------------------
// Waiting

/** Polls `probe` until it returns something other than undefined/false, or fails after `ms`. */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 30_000, every = 200): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs: number; env?: NodeJS.ProcessEnv; what: string }): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit code ${r.status}${r.signal ? `, signal ${r.signal}` : ''}`;
    throw new Error(`${opts.what} failed (${why}):\n${output.slice(-4000)}`);
  }
  return output;
}

// ---------------------------------------------------------------------------------------------
// Building

/** Installs code-server into the git-ignored cache unless it is there already (bounded time). */
export function ensureCodeServer(): void {
  run('bash', [join(REPO, 'scripts', 'install-code-server.sh')], { timeoutMs: 15 * 60_000, what: 'scripts/install-code-server.sh' });
  if (!existsSync(ENTRY)) throw new Error(`code-server is not in ${CACHE} after the install script`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
}

export interface Build {
  /** nginx-doctor packaged by vsce. */
  vsix: string;
  /** The test-only extension that runs the in-host suite. */
  hostVsix: string;
  version: string;
  remove(): void;
}

/** Root entries that packaging never needs (and that may be large or owned by other tiers). */
const STAGING_SKIP = new Set(['.git', 'node_modules', 'out', 'dist', '.vscode-test', 'test-artifacts', '.tmp', 'test', 'demo', 'docs', '.ci']);

export function buildExtensions(): Build {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-build-')));
  try {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    // A staging copy of the repository: vsce runs the real manifest's vscode:prepublish
    // (npm run build:prod) there, honours the real .vscodeignore, and leaves the repo's dist/ alone.
    const stage = join(dir, 'stage');
    mkdirSync(stage);
    for (const name of readdirSync(REPO)) {
      if (STAGING_SKIP.has(name) || name.endsWith('.vsix')) continue;
      cpSync(join(REPO, name), join(stage, name), { recursive: true });
    }
    symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules'), 'dir');
    const vsix = join(dir, `nginx-doctor-${version}.vsix`);
    run(process.execPath, [VSCE, 'package', '--no-dependencies', '--out', vsix], { cwd: stage, timeoutMs: 5 * 60_000, what: 'vsce package (nginx-doctor)' });

    const hostStage = join(dir, 'host-extension');
    cpSync(join(REPO, 'test', 'e2e', 'host-extension'), hostStage, { recursive: true });
    const hostVsix = join(dir, 'host-suite.vsix');
    run(process.execPath, [VSCE, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', hostVsix], {
      cwd: hostStage,
      timeoutMs: 2 * 60_000,
      what: 'vsce package (host-suite extension)',
    });

    run(process.execPath, [TSC, '-p', join(REPO, 'test', 'e2e', 'host-suite')], { timeoutMs: 5 * 60_000, what: 'tsc -p test/e2e/host-suite' });
    if (!existsSync(join(HOST_SUITE_DIR, 'index.js'))) throw new Error(`the in-host suite did not compile into ${HOST_SUITE_DIR}`);
    return { vsix, hostVsix, version, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** File names inside a .vsix (a zip), read from its central directory. */
export function zipEntries(file: string): string[] {
  const buf = readFileSync(file);
  const names: string[] = [];
  for (let i = 0; i + 46 <= buf.length; i++) {
    if (buf.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLen = buf.readUInt16LE(i + 28);
    const extraLen = buf.readUInt16LE(i + 30);
    const commentLen = buf.readUInt16LE(i + 32);
    names.push(buf.toString('utf8', i + 46, i + 46 + nameLen));
    i += 46 + nameLen + extraLen + commentLen - 1;
  }
  return names.sort();
}

export const fileSize = (p: string): number => statSync(p).size;

// ---------------------------------------------------------------------------------------------
// Sessions

export interface SessionOptions {
  /** Used for the temporary folder and the screenshots. */
  name: string;
  /** The folder to copy and open (default: demo/). The repository's copy is never modified. */
  workspace?: string;
  /** false: start without --disable-workspace-trust; the startup prompt is off, so the folder stays in Restricted Mode. */
  trusted: boolean;
  vsixes: string[];
  /** Extra environment for code-server (and so for its extension host). */
  env?: Record<string, string>;
  /** User keybindings (keybindings.json entries), e.g. to run a command the palette hides. */
  keybindings?: { key: string; command: string }[];
  /** The colour theme (workbench.colorTheme), e.g. "Default Light Modern"; default: VS Code's own. */
  theme?: string;
}

const live = new Set<Session>();
process.on('exit', () => {
  for (const s of live) s.killNow();
});

export class Session {
  readonly folder: string;
  page!: Page;
  url = '';
  private browser: Browser | undefined;
  private server: ChildProcess | undefined;
  private output = '';
  private shots = 0;

  private constructor(
    readonly name: string,
    readonly root: string,
  ) {
    this.folder = join(root, 'workspace');
  }

  static async start(opts: SessionOptions): Promise<Session> {
    const root = realpathSync(mkdtempSync(join(tmpdir(), `nginx-doctor-e2e-${opts.name}-`)));
    const s = new Session(opts.name, root);
    live.add(s);
    try {
      await s.boot(opts);
      return s;
    } catch (e) {
      await s.screenshot('start-failed').catch(() => undefined);
      const log = s.log().slice(-3000);
      await s.close();
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- code-server output (tail) ---\n${log}`);
    }
  }

  private async boot(opts: SessionOptions): Promise<void> {
    const extensions = join(this.root, 'extensions');
    const userData = join(this.root, 'user-data');
    const xdg = join(this.root, 'xdg');
    cpSync(opts.workspace ?? join(REPO, 'demo'), this.folder, { recursive: true });
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...(opts.theme ? { 'workbench.colorTheme': opts.theme } : {}) }, null, 2));
    if (opts.keybindings) writeFileSync(join(userData, 'User', 'keybindings.json'), JSON.stringify(opts.keybindings, null, 2));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      XDG_CONFIG_HOME: join(xdg, 'config'),
      XDG_DATA_HOME: join(xdg, 'data'),
      XDG_CACHE_HOME: join(xdg, 'cache'),
      ...opts.env,
    };
    delete env.VSCODE_IPC_HOOK_CLI;
    const common = ['--extensions-dir', extensions, '--user-data-dir', userData];
    run(process.execPath, [ENTRY, ...common, ...opts.vsixes.flatMap((v) => ['--install-extension', v])], {
      env,
      timeoutMs: 2 * 60_000,
      what: 'code-server --install-extension',
    });

    const port = await freePort();
    const args = [
      ENTRY, ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      ...(opts.trusted ? ['--disable-workspace-trust'] : []),
      this.folder,
    ];
    // Its own process group, so that close() also ends the extension host and language server.
    const server = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.server = server;
    const collect = (d: Buffer): void => {
      this.output = (this.output + d.toString()).slice(-200_000);
    };
    server.stdout!.on('data', collect);
    server.stderr!.on('data', collect);
    let exited: string | undefined;
    server.on('exit', (code, signal) => {
      exited = `code-server exited (code ${code}, signal ${signal})`;
    });

    await until(async () => {
      if (exited) throw new Error(exited);
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      return r.ok;
    }, 'code-server to answer /healthz', 60_000);
    if (exited) throw new Error(exited);

    await this.openWorkbench(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(this.folder)}`);
  }

  /**
   * A session on a code-server that something else started (scripts/start.mjs, the `npm start`
   * path): `root` is a temporary folder whose `workspace/` is the folder opened, `server` the
   * process whose group close() ends, `url` the workbench's address.
   */
  static async attach(opts: { name: string; root: string; server: ChildProcess; url: string; output: () => string }): Promise<Session> {
    const s = new Session(opts.name, opts.root);
    s.server = opts.server;
    live.add(s);
    try {
      await s.openWorkbench(opts.url);
      return s;
    } catch (e) {
      await s.screenshot('start-failed').catch(() => undefined);
      await s.close();
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- code-server output (tail) ---\n${opts.output().slice(-3000)}`);
    }
  }

  private async openWorkbench(url: string): Promise<void> {
    this.browser = await withDeadline(chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 }), 70_000, 'Chromium launch');
    const context = await this.browser.newContext({ viewport: { width: 1800, height: 1200 } });
    this.page = await context.newPage();
    this.page.setDefaultTimeout(30_000);
    this.url = url;
    await this.page.goto(this.url, { timeout: 60_000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // The explorer shows the folder once the workbench has restored its views.
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  }

  log(): string {
    return this.output;
  }

  async screenshot(label: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${this.name}-${String(++this.shots).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-')}.png`);
    if (!this.page) throw new Error('no page');
    await this.page.screenshot({ path: file, timeout: 15_000 });
    return file;
  }

  /** Runs a test step, taking a screenshot when it fails. */
  async step<T>(label: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      await this.screenshot(`FAILED-${label}`).catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    try {
      if (this.browser) await withDeadline(this.browser.close(), 15_000, 'closing Chromium').catch(() => undefined);
    } finally {
      await this.stopServer();
      live.delete(this);
      if (!KEEP) rmSync(this.root, { recursive: true, force: true });
    }
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const gone = new Promise<void>((r) => server.once('exit', () => r()));
    killGroup(server, 'SIGTERM');
    await withDeadline(gone, 10_000, 'code-server to stop').catch(() => killGroup(server, 'SIGKILL'));
    // The group may outlive its leader (an extension host, a language server): end it for sure.
    killGroup(server, 'SIGKILL');
  }

  /** Synchronous last resort for the process exit hook. */
  killNow(): void {
    if (this.server) killGroup(this.server, 'SIGKILL');
  }
}

function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  if (p.pid === undefined) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** User settings of every session: nothing that phones home, pops up or completes while typing. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  // The panel (Problems) on the right at full height: its tree renders only the rows in view.
  'workbench.panel.defaultLocation': 'right',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'files.autoSave': 'off',
  'security.workspace.trust.startupPrompt': 'never',
  'chat.commandCenter.enabled': false,
};

// ---------------------------------------------------------------------------------------------
// Driving the workbench

/** Opens a workspace file with Quick Open (Ctrl+P) and waits until its editor is active. */
export async function openFile(page: Page, rel: string): Promise<void> {
  const base = rel.split('/').pop()!;
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')).split('/').pop()! : undefined;
  await quickInput(page, rel, async () => {
    // Wait until the first pick is the file asked for, in the right folder.
    await until(async () => {
      const first = page.locator('.quick-input-list .monaco-list-row').first();
      const text = (await first.innerText({ timeout: 1000 })).replace(/\s+/g, ' ');
      return text.includes(base) && (!dir || text.includes(dir));
    }, `Quick Open to list ${rel}`, 20_000);
  });
  await until(async () => {
    const crumbs = (await page.locator('.editor-group-container.active .breadcrumbs-control').first().innerText({ timeout: 1000 })).replace(/\s+/g, ' ');
    return crumbs.includes(base) && (!dir || crumbs.includes(dir));
  }, `the editor of ${rel} to be active`, 20_000);
}

/** Moves the cursor of the active editor to a 1-based line and column (Quick Open ":line:col"). */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  await quickInput(page, `:${line}:${column}`);
  await until(async () => {
    const status = await page.locator('#status\\.editor\\.selection').innerText({ timeout: 1000 });
    return status.includes(`Ln ${line}, Col ${column}`);
  }, `the cursor at ${line}:${column}`, 10_000);
  // Keystrokes that follow must reach the editor, not a panel.
  await page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ state: 'attached', timeout: 10_000 });
}

async function quickInput(page: Page, text: string, beforeEnter?: () => Promise<void>): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  if (beforeEnter) await beforeEnter();
  // Quick Open can drop an Enter that arrives while it is still computing its list (seen on a
  // cold first session): press again while the widget stays open, within the same 15 s.
  const widget = page.locator('.quick-input-widget');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Enter');
    try {
      await widget.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

/** Runs a command by its title through the Command Palette (F1). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await until(async () => (await page.locator('.quick-input-list .monaco-list-row').first().innerText({ timeout: 1000 })).includes(title), `the command "${title}" in the palette`, 15_000);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
}

/**
 * Opens the Problems panel (if not open) and returns the text of all its rows, in order. The
 * panel's tree renders only the rows in view, so when they do not all fit, the list is scrolled
 * (mouse wheel) and the rows are collected by their index.
 */
export async function problemsText(page: Page): Promise<string> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    await widenPanel(page).catch(() => undefined); // only for readable screenshots
  }
  const list = panel.locator('.monaco-list').first();
  if (!(await list.isVisible())) return (await panel.innerText({ timeout: 5000 })).replace(/\u00a0/g, ' '); // "No problems…"
  const visibleRows = (): Promise<[number, string][]> =>
    list.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), (e as HTMLElement).innerText] as [number, string]));
  const geometry = (): Promise<{ total: number; view: number }> =>
    list.evaluate((el) => {
      const rows = el.querySelector('.monaco-list-rows') as HTMLElement | null;
      const first = el.querySelector('.monaco-list-row') as HTMLElement | null;
      const rowHeight = first ? parseFloat(first.style.height || '22') || 22 : 22;
      return { total: Math.round(parseFloat(rows?.style.height || '0') / rowHeight), view: el.clientHeight };
    });
  const collected = new Map<number, string>();
  const take = async (): Promise<number[]> => {
    const rows = await visibleRows();
    for (const [i, t] of rows) collected.set(i, t);
    return rows.map(([i]) => i);
  };
  const { total, view } = await geometry();
  let seen = await take();
  if (collected.size < total) {
    const box = await list.boundingBox();
    if (!box) throw new Error('the Problems list has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -1_000_000);
    await until(async () => (seen = await take()).includes(0), 'the Problems list to scroll to the top', 3000, 50);
    for (let guard = 0; collected.size < total && guard < 200; guard++) {
      const before = Math.max(...seen);
      await page.mouse.wheel(0, Math.max(22, view * 0.7));
      const moved = await until(async () => Math.max(...(seen = await take())) > before, 'the Problems list to scroll', 3000, 50).catch(() => false);
      if (!moved) break; // at the bottom already
    }
  }
  // A partial read could make "X is gone" look true: fail instead (waitForProblems retries).
  if (collected.size < total) throw new Error(`read ${collected.size} of the ${total} rows of the Problems panel`);
  return [...collected.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t).join('\n').replace(/\u00a0/g, ' ');
}

/** Drags the sash on the left of the (right-hand) panel so that it takes about 45% of the width. */
async function widenPanel(page: Page): Promise<void> {
  const box = await page.locator('.part.panel').boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport || box.width >= viewport.width * 0.4) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x, y);
  await page.mouse.down();
  await page.mouse.move(viewport.width * 0.55, y, { steps: 8 });
  await page.mouse.up();
}

/** Waits until the Problems panel text satisfies `ready`; returns that text. */
export async function waitForProblems(page: Page, ready: (text: string) => boolean, what: string, ms = 45_000): Promise<string> {
  let last = '';
  try {
    return await until(async () => {
      last = await problemsText(page);
      return ready(last) ? last : undefined;
    }, what, ms, 300);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- Problems panel ---\n${last}`);
  }
}

/** Error count shown in the status bar ("Errors: N"). */
export async function statusBarErrors(page: Page): Promise<number> {
  const label = (await page.locator('#status\\.problems').getAttribute('aria-label', { timeout: 5000 })) ?? '';
  const m = /Errors: (\d+)/.exec(label);
  return m ? Number(m[1]) : NaN;
}

/** The lines the active editor renders (top to bottom), as displayed. */
export async function visibleEditorLines(page: Page): Promise<string[]> {
  const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').evaluateAll((els) =>
    els.map((e) => ({ top: parseFloat((e as HTMLElement).style.top) || 0, text: (e as HTMLElement).innerText })),
  );
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' '));
}

/** Error squiggles on the line of the cursor in the active editor (-1: that line is not rendered). */
export async function squigglesOnCursorLine(page: Page): Promise<number> {
  return page.locator('.editor-group-container.active .monaco-editor .view-overlays > div').evaluateAll((lines) => {
    const line = lines.find((l) => l.querySelector('.current-line'));
    return line ? line.querySelectorAll('.squiggly-error').length : -1;
  });
}

/** Error squiggles rendered in the active editor. */
export async function errorSquiggles(page: Page): Promise<number> {
  return page.locator('.editor-group-container.active .monaco-editor .squiggly-error').count();
}

/** The rendered lines of the active editor by their 1-based line number (as the gutter shows it). */
export async function numberedLines(page: Page): Promise<Map<number, string>> {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  const rows = await editor.evaluate((root) => {
    const numbers = new Map<number, number>();
    for (const div of Array.from(root.querySelectorAll('.margin-view-overlays > div'))) {
      const n = Number((div.querySelector('.line-numbers') as HTMLElement | null)?.innerText ?? 'NaN');
      if (Number.isFinite(n)) numbers.set(Math.round(parseFloat((div as HTMLElement).style.top) || 0), n);
    }
    return Array.from(root.querySelectorAll('.view-lines .view-line')).map((e) => {
      const top = Math.round(parseFloat((e as HTMLElement).style.top) || 0);
      return [numbers.get(top) ?? -1, (e as HTMLElement).innerText] as [number, string];
    });
  });
  return new Map(rows.filter(([n]) => n > 0).map(([n, t]) => [n, t.replace(/\u00a0/g, ' ')]));
}


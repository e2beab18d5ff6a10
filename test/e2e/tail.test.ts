// The tail view in a real editor (code-server + Chromium, test/e2e/harness.ts): "Nginx: Tail
// Error Log..." on a log of the demo workspace, a real 502 line appended (from demo/error.log)
// shows up within seconds, linked to its location; clicking the link opens the config at that
// line; the status bar counts 502/504 per minute; "Nginx: Stop Tailing" stops it. In Restricted
// Mode the command refuses with a clear message and starts nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { REPO } from '../helpers/repo';
import { Session, buildExtensions, ensureCodeServer, until, type Build } from './harness';

const LOG = 'logs/error.log';
const demoLine = (n: number): string => readFileSync(join(REPO, 'demo', 'error.log'), 'utf8').split('\n')[n - 1]!;

/** demo/ plus a log file and a log source in the workspace settings. */
function workspaceWithLog(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-tail-ws-')));
  try {
    fillWorkspace(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

function fillWorkspace(dir: string): void {
  cpSync(join(REPO, 'demo'), dir, { recursive: true });
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, LOG), `${demoLine(1)}\n${demoLine(2)}\n`);
  // the demo's own settings (JSON with line comments) plus a log source
  const file = join(dir, '.vscode', 'settings.json');
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
  } catch {
    // no settings in the demo
  }
  writeFileSync(file, JSON.stringify({ ...settings, 'nginxDoctor.logSources': [{ name: 'demo', path: LOG }] }, null, 2));
}

/** Runs a palette command whose handler opens a quick pick; picks the item labelled `pick`. */
async function commandWithPick(page: Page, title: string, pick?: string): Promise<string[]> {
  const input = page.locator('.quick-input-widget input');
  const first = page.locator('.quick-input-list .monaco-list-row').first();
  // the palette lists the extension's commands once the extension host has scanned it: reopen until then
  await until(async () => {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(`>${title}`);
    const found = await until(async () => (await first.innerText({ timeout: 1000 })).includes(title), `"${title}" in the palette`, 5_000).catch(() => false);
    if (!found) await page.keyboard.press('Escape');
    return found;
  }, `"${title}" in the palette`, 60_000, 500);
  await page.keyboard.press('Enter');
  if (pick) {
    await until(async () => (await page.locator('.quick-input-widget .quick-input-title').innerText({ timeout: 1000 })).includes('Tail an nginx error log'), 'the source picker', 15_000);
    await until(async () => (await first.innerText({ timeout: 1000 })).startsWith(pick), `"${pick}" first in the picker`, 15_000);
    const rows = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    return rows;
  }
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  return [];
}

/** The webview frame that holds the tail view (webviews are nested iframes). */
async function tailFrame(page: Page): Promise<Frame> {
  return until(async () => {
    for (const f of page.frames()) {
      if (await f.locator('#lines[role="log"]').count().catch(() => 0)) return f;
    }
    return undefined;
  }, 'the tail view', 30_000, 300);
}

describe('real editor: the tail view', { timeout: 15 * 60_000 }, () => {
  let build: Build;
  let workspace: string;

  before(() => {
    ensureCodeServer();
    build = buildExtensions();
    workspace = workspaceWithLog();
  }, { timeout: 20 * 60_000 });
  after(() => {
    build?.remove();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  describe('trusted', () => {
    let s: Session;
    before(async () => {
      s = await Session.start({ name: 'tail', trusted: true, vsixes: [build.vsix], workspace });
    }, { timeout: 5 * 60_000 });
    after(async () => {
      await s?.close();
    });

    test('a 502 appended to the log appears within seconds, linked to its location, which opens the config', { timeout: 4 * 60_000 }, () =>
      s.step('tail-502', async () => {
        const page = s.page;
        const picks = await commandWithPick(page, 'Nginx: Tail Error Log...', 'demo');
        // the workspace's own log (not the configured one again), then the file dialog
        assert.ok(picks.some((r) => r.startsWith('error.log') && r.includes('workspace log file')), `the picker: ${picks.join(' | ')}`);
        assert.ok(!picks.some((r) => r.startsWith('logs/error.log')), `the configured log is not offered twice: ${picks.join(' | ')}`);
        const frame = await tailFrame(page);
        await until(async () => (await frame.locator('#states').innerText()).includes('demo: live'), 'the source to be live', 30_000);
        // the view starts with the recent history of the file (whole lines)
        await until(async () => (await frame.locator('.line').count()) >= 2, 'the history lines', 10_000);
        appendFileSync(join(s.folder, LOG), `${demoLine(11)}\n`);
        const row = frame.locator('.line.failure', { hasText: 'unix:/run/grafana/grafana.sock' });
        await row.waitFor({ state: 'visible', timeout: 10_000 });
        // (how fast is measured in npm run bench, not asserted here: the wait above is only a deadline)
        // how it looks: the theme's text colour on a faint tint, a 3px edge in the error colour, no
        // [demo] prefix (one source), wrapped at word boundaries
        const look = await row.evaluate((e) => {
          const cs = getComputedStyle(e);
          // "rgba(r, g, b, a)" or, for color-mix(), "color(srgb r g b / a)"
          const bg = cs.backgroundColor;
          const alpha = (/\/\s*([\d.]+)\s*\)$/.exec(bg) ?? /^rgba\([^,]+,[^,]+,[^,]+,\s*([\d.]+)\)$/.exec(bg))?.[1];
          return { color: cs.color, body: getComputedStyle(document.body).color, edge: cs.borderLeftWidth, bg, alpha: alpha === undefined ? 1 : Number(alpha), wordBreak: cs.wordBreak, overflowWrap: cs.overflowWrap };
        });
        assert.equal(look.color, look.body, 'the failure text keeps the theme colour');
        assert.equal(look.edge, '3px');
        assert.ok(look.alpha > 0 && look.alpha < 0.25, `a faint tint (${look.bg})`);
        assert.deepEqual([look.wordBreak, look.overflowWrap], ['normal', 'break-word']);
        assert.equal(await row.locator('.src').isVisible(), false, 'no [demo] prefix with one source');
        const detail = await row.locator('.detail').innerText();
        assert.match(detail, /502 upstream-socket-missing: backend unix socket does not exist/);
        const link = row.locator('a.loc');
        assert.match(await link.innerText(), /location \/grafana\/ \(sites-enabled\/admin\.example\.com:42\)/);
        // the log text arrived as text: the row has no element children besides ours
        assert.equal(await row.locator('.text *').count(), 0);
        // the status bar counts it (the 502 of the history shown first is not a new one)
        await until(async () => (await page.locator('.statusbar-item', { hasText: '502/504/min' }).innerText({ timeout: 1000 })).includes('demo 1'), 'the 502/504 counter', 15_000);
        await s.screenshot('tail-view-502');

        // filter: 5xx only hides the history's warn line (no status of its own)
        await frame.locator('#filter').selectOption('5xx');
        await until(async () => !(await frame.locator('.line.lv-warn').first().isVisible()), 'the warn line to be hidden', 5_000);
        await frame.locator('#filter').selectOption('all');

        // pause holds new lines back; resume shows them
        await frame.locator('#pause').click();
        appendFileSync(join(s.folder, LOG), `${demoLine(10)}\n`);
        await until(async () => (await frame.locator('#held').innerText()).includes('1 new line'), 'the held counter', 10_000);
        assert.equal(await frame.locator('.line', { hasText: '/svc/' }).count(), 0);
        await frame.locator('#pause').click();
        await frame.locator('.line.failure', { hasText: '/svc/' }).waitFor({ state: 'visible', timeout: 10_000 });

        // the link opens sites-enabled/admin.example.com at the location's line
        await link.click();
        await until(async () => (await page.locator('.editor-group-container.active .breadcrumbs-control').first().innerText({ timeout: 1000 })).includes('admin.example.com'), 'the config file to open', 15_000);
        await until(async () => (await page.locator('#status\\.editor\\.selection').innerText({ timeout: 1000 })).includes('Ln 42,'), 'the cursor on line 42', 15_000);
        // beside the tail view, which stays in sight (not a tab over it)
        assert.equal(await page.locator('.editor-group-container').count(), 2, 'the config opens in the other column');
        assert.ok(await row.isVisible(), 'the tail view is still shown');
        await s.screenshot('tail-link-opened');

        // rotated twice between two reads and the file in between deleted: a gap row says which
        // file is gone, shown in every filter; the lines after it follow
        await frame.locator('#filter').selectOption('failures');
        const log = join(s.folder, LOG);
        const gapRow = frame.locator('.line.kind-gap', { hasText: 'error.log.1 is gone' });
        for (let attempt = 1; ; attempt++) {
          rmSync(`${log}.2`, { force: true });
          renameSync(log, `${log}.1`);
          writeFileSync(log, `${demoLine(3)}\n`);
          renameSync(`${log}.1`, `${log}.2`);
          renameSync(log, `${log}.1`);
          writeFileSync(log, '');
          unlinkSync(`${log}.1`);
          await new Promise((r) => setTimeout(r, 300));
          appendFileSync(log, `${demoLine(11)}\n`);
          // the old file is read on for 5 s after the new one has a line (the default rotation grace)
          const shown = await gapRow.waitFor({ state: 'visible', timeout: 25_000 }).then(() => true, () => false);
          // the follower may have looked between the two renames (then nothing is missing): once more
          if (shown || attempt === 2) break;
        }
        assert.ok(await gapRow.isVisible(), 'the gap row');
        assert.match(await gapRow.innerText(), /gap: .*error\.log: lines are missing: error\.log\.1 is gone/);
        await until(async () => (await frame.locator('.line.failure').last().innerText()).includes('unix:/run/grafana/grafana.sock'), 'the line after the gap', 15_000);
        await s.screenshot('tail-gap');
        await frame.locator('#filter').selectOption('all');

        await commandWithPick(page, 'Nginx: Stop Tailing');
        const view = await tailFrame(page);
        await until(async () => (await view.locator('#states').innerText()).includes('demo: stopped'), 'the stopped state', 15_000);
      }));
  });

  describe('Restricted Mode', () => {
    let s: Session;
    before(async () => {
      s = await Session.start({ name: 'tail-restricted', trusted: false, vsixes: [build.vsix], workspace, keybindings: [{ key: 'ctrl+alt+8', command: 'nginxDoctor.tailErrorLog' }] });
    }, { timeout: 5 * 60_000 });
    after(async () => {
      await s?.close();
    });

    test('the palette hides the command; run anyway (a keybinding), it says why, as information, and starts nothing', { timeout: 3 * 60_000 }, () =>
      s.step('tail-restricted', async () => {
        const page = s.page;
        const input = page.locator('.quick-input-widget input');
        // the palette lists the extension's other commands once it is loaded, never this one
        const titles = await until(async () => {
          await page.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: 15_000 });
          await input.fill('>Nginx: ');
          const t = await until(async () => {
            const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
            return rows.some((x) => x.includes('Stop Tailing')) ? rows : undefined;
          }, 'the Nginx commands', 5_000).catch(() => undefined);
          await page.keyboard.press('Escape');
          return t;
        }, 'the Nginx commands in the palette', 60_000, 500);
        assert.ok(!titles.some((t) => t.includes('Tail Error Log')), `palette: ${titles.join(' | ')}`);
        await page.locator('.monaco-workbench').first().click({ position: { x: 600, y: 400 } });
        await page.keyboard.press('Control+Alt+8');
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Restricted Mode does not allow' });
        await toast.first().waitFor({ state: 'visible', timeout: 20_000 });
        assert.match(await toast.first().innerText(), /Trust this workspace/);
        assert.equal(await toast.first().locator('.codicon-info').count(), 1, 'an information message');
        assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no source picker');
        await s.screenshot('tail-restricted');
      }));
  });
});

// Reports that stay true, in one column (issue #18 items 4 and 5), in the real editor on a copy
// of the demo (with error.log as a log source):
//   - the Explain report of demo/error.log line 9 (TLS to the plain-HTTP admin app) offers
//     "Use http://"; Apply shows sites-enabled/admin.example.com at the change and the report is
//     made again against the edited config: it says so, no longer offers the fix, and its upstream
//     reads `proxy_pass http://`; undoing the edit in the editor refreshes the report by itself
//     (it says the config changed, and offers the fix again);
//   - Explain again, Tail Error Log and Check Server for 502 Causes each have one panel, all in one
//     column beside the editor: two editor groups in all, one tab per kind;
//   - an edit of nginx.conf puts a "config changed ... Run again" notice on the checklist.
// Screenshots go to test-artifacts/e2e/reports-NN-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { REPO } from '../helpers/repo';
import { Session, buildExtensions, ensureCodeServer, goTo, openFile, runCommand, until, type Build } from './harness';

const FIX = 'Use http://';

/** The frame of the explain report that satisfies `ready`. */
async function explainFrame(s: Session, ready: (f: Frame) => Promise<boolean>, what: string): Promise<Frame> {
  return until(async () => {
    for (const f of s.page.frames()) {
      if (f.isDetached()) continue;
      if ((await f.locator('section.group').count().catch(() => 0)) && (await ready(f).catch(() => false))) return f;
    }
    return undefined;
  }, what, 30_000, 300);
}

const offersFix = async (f: Frame): Promise<boolean> => (await f.locator('.quick-fixes li', { hasText: FIX }).count()) > 0;
const refreshedText = async (f: Frame): Promise<string> => ((await f.locator('.refreshed').count()) ? f.locator('.refreshed').innerText() : '');

/** Runs a palette command that opens a QuickPick, and picks the row starting with `pick`. */
async function commandWithPick(page: Page, title: string, pick: string): Promise<void> {
  await runCommandKeepingInput(page, title);
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await until(async () => (await first.innerText({ timeout: 1000 })).startsWith(pick), `"${pick}" first in the QuickPick`, 20_000);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
}

async function runCommandKeepingInput(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await until(async () => (await page.locator('.quick-input-list .monaco-list-row').first().innerText({ timeout: 1000 })).includes(title), `"${title}" in the palette`, 15_000);
  await page.keyboard.press('Enter');
  await until(async () => !(await input.inputValue()).startsWith('>'), `the QuickPick of "${title}"`, 15_000);
}

const tabs = async (page: Page): Promise<string[]> => (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

describe('real editor: reports stay true, in one column', { timeout: 15 * 60_000 }, () => {
  let build: Build;
  let s: Session;
  let workspace: string;

  before(async () => {
    ensureCodeServer();
    build = buildExtensions();
    workspace = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-reports-ws-')));
    cpSync(join(REPO, 'demo'), workspace, { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'nginxDoctor.nginxVersion': '1.24.0',
      'nginxDoctor.logSources': [{ name: 'demo', path: 'error.log' }],
    }, null, 2));
    s = await Session.start({ name: 'reports', trusted: true, vsixes: [build.vsix], workspace });
  }, { timeout: 20 * 60_000 });
  after(async () => {
    await s?.close();
    build?.remove();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('Apply shows the change and the report is made again; an edit refreshes it too', { timeout: 4 * 60_000 }, () =>
    s.step('apply', async () => {
      const page = s.page;
      await openFile(page, 'error.log');
      await goTo(page, 9, 1);
      await runCommand(page, 'Nginx: Explain this 502');
      const before = await explainFrame(s, async (f) => (await f.locator('section.group[data-cause="upstream-tls-to-plain-http"]').count()) === 1 && offersFix(f), 'the report offering "Use http://"');
      assert.match(await before.locator('.pass').innerText(), /proxy_pass https:\/\/127\.0\.0\.1:3000/);
      await s.screenshot('explain-before-apply');

      await before.locator('.quick-fixes li', { hasText: FIX }).locator('button.apply').click();
      const after = await explainFrame(s, async (f) => (await refreshedText(f)).includes(`Applied "${FIX}"`), 'the report made again after Apply');
      assert.equal(await offersFix(after), false, 'the fix is no longer offered');
      assert.match(await after.locator('.pass').innerText(), /proxy_pass http:\/\/127\.0\.0\.1:3000/);
      assert.equal(await after.locator('section.group').first().getAttribute('data-cause'), 'upstream-tls-to-plain-http', 'the log line is still explained (it happened)');
      // the edited file is shown at the change, beside the report
      await until(async () => (await page.locator('.editor-group-container .breadcrumbs-control').allInnerTexts()).some((t) => t.includes('admin.example.com')), 'admin.example.com to be shown', 15_000);
      await until(async () => (await page.locator('.editor-group-container .monaco-editor .view-line').allInnerTexts()).some((t) => t.replace(/\u00a0/g, ' ').includes('proxy_pass http://127.0.0.1:3000;')), 'the changed line in the editor', 15_000);
      await s.screenshot('explain-after-apply');

      // undo in the editor: the report refreshes by itself and offers the fix again
      await page.locator('.editor-group-container .monaco-editor', { hasText: 'proxy_pass http://127.0.0.1:3000;' }).first().click();
      await page.keyboard.press('Control+Z');
      const undone = await explainFrame(s, async (f) => (await refreshedText(f)).includes('The config changed') && offersFix(f), 'the report to refresh after the edit');
      assert.match(await undone.locator('.pass').innerText(), /proxy_pass https:\/\/127\.0\.0\.1:3000/);
      await s.screenshot('explain-after-undo');
    }));

  test('Explain, Tail and the checklist: one panel each, in one column', { timeout: 6 * 60_000 }, () =>
    s.step('one-column', async () => {
      const page = s.page;
      // Quick Open opens in the active group: the editor's, not the report's
      await page.keyboard.press('Control+1');
      await openFile(page, 'error.log');
      await goTo(page, 1, 1);
      await runCommand(page, 'Nginx: Explain this 502');
      await explainFrame(s, async (f) => (await f.locator('section.group[data-cause="upstream-refused"]').count()) === 1, 'the report of line 1');
      await commandWithPick(page, 'Nginx: Tail Error Log...', 'demo');
      await until(async () => (await tabs(page)).some((t) => t.startsWith('Nginx error log')), 'the tail view', 30_000);
      await page.keyboard.press('Control+1');
      await openFile(page, 'nginx.conf');
      await commandWithPick(page, 'Nginx: Check Server for 502 Causes', 'This machine');
      await until(async () => (await tabs(page)).some((t) => t.startsWith('Nginx: 502 checklist')), 'the checklist', 3 * 60_000, 500);
      // Explain once more, from the log: the one explain panel is reused
      await page.keyboard.press('Control+1');
      await openFile(page, 'error.log');
      await goTo(page, 9, 1);
      await runCommand(page, 'Nginx: Explain this 502');
      await explainFrame(s, async (f) => (await f.locator('section.group[data-cause="upstream-tls-to-plain-http"]').count()) === 1, 'the report of line 9');
      await s.screenshot('one-column');
      const all = await tabs(page);
      assert.equal(await page.locator('.editor-group-container').count(), 2, `two editor groups; tabs: ${all.join(' | ')}`);
      assert.equal(all.filter((t) => t.startsWith('Nginx: 502 ') && !t.startsWith('Nginx: 502 checklist')).length, 1, `one explain tab: ${all.join(' | ')}`);
      assert.equal(all.filter((t) => t.startsWith('Nginx error log')).length, 1, `one tail tab: ${all.join(' | ')}`);
      assert.equal(all.filter((t) => t.startsWith('Nginx: 502 checklist')).length, 1, `one checklist tab: ${all.join(' | ')}`);
      // the three are in the same group
      const group = page.locator('.editor-group-container', { has: page.locator('.tab', { hasText: 'Nginx error log' }) });
      const inGroup = (await group.locator('.tab').allInnerTexts()).join(' | ');
      assert.ok(inGroup.includes('Nginx: 502 checklist') && /Nginx: 502 (?!checklist)/.test(inGroup), `one column holds them: ${inGroup}`);
      await runCommand(page, 'Nginx: Stop Tailing');
    }));

  test('after an edit of the config, the checklist says it may be out of date', { timeout: 3 * 60_000 }, () =>
    s.step('checklist-stale', async () => {
      const page = s.page;
      await page.keyboard.press('Control+1');
      await openFile(page, 'nginx.conf');
      await goTo(page, 1, 1);
      await page.keyboard.type('# edited\n');
      await page.locator('.tabs-container .tab', { hasText: 'Nginx: 502 checklist' }).click();
      const notice = await until(async () => {
        for (const f of page.frames()) {
          if (f.isDetached()) continue;
          if (await f.locator('table.checks').count().catch(() => 0)) {
            const p = f.locator('#stale');
            if (await p.count().catch(() => 0)) return p.innerText();
          }
        }
        return undefined;
      }, 'the checklist\'s "config changed" notice', 30_000, 300);
      assert.match(notice, /The config changed since this check ran.*Run again/);
      await s.screenshot('checklist-stale');
    }));
});

// "Fix all" where a user of ESLint looks for it (issue #18 item 10), in the real editor on a copy of
// the demo: Ctrl+. on a fixable problem of sites-enabled/shop.example.com lists "Fix all nginx-doctor
// problems in this file (N)" next to the problem's own fix, and the palette command "Nginx: Fix All
// Problems in This File" fixes the file (its keepalive and WebSocket problems leave the Problems
// panel, the duplicate default server, which has no fix, stays); run again, it says there is
// nothing left to fix. Screenshots: test-artifacts/e2e/fix-all-NN-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/repo';
import { Session, buildExtensions, ensureCodeServer, goTo, openFile, runCommand, until, waitForProblems, type Build } from './harness';

const SHOP = 'sites-enabled/shop.example.com';
const FIX_ALL = /^Fix all nginx-doctor problems in this file \((\d+)\)$/;
const DUPLICATE = 'a duplicate default server for 0.0.0.0:80';

describe('real editor: Fix all in the Ctrl+. menu and the palette', { timeout: 15 * 60_000 }, () => {
  let build: Build;
  let s: Session;
  const lines = readFileSync(join(REPO, 'demo', SHOP), 'utf8').split('\n');
  const passLine = lines.findIndex((l) => l.trim() === 'proxy_pass http://api_backend;') + 1;

  before(async () => {
    assert.ok(passLine > 0, 'the demo has proxy_pass http://api_backend;');
    ensureCodeServer();
    build = buildExtensions();
    s = await Session.start({ name: 'fix-all', trusted: true, vsixes: [build.vsix] });
  }, { timeout: 20 * 60_000 });
  after(async () => {
    await s?.close();
    build?.remove();
  });

  test('Ctrl+. offers Fix all; the palette command fixes the file, then has nothing left to fix', { timeout: 4 * 60_000 }, () =>
    s.step('fix-all', async () => {
      const page = s.page;
      await openFile(page, SHOP);
      await waitForProblems(page, (t) => t.includes('keepalive-without-http11') && t.includes('websocket-read-timeout') && t.includes(DUPLICATE), 'the problems of shop.example.com');
      await goTo(page, passLine, 9);
      await page.keyboard.press('Control+.');
      const rows = page.locator('.action-widget .monaco-list-row.action');
      const titles = await until(async () => {
        const t = (await rows.allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim()).filter(Boolean);
        return t.length ? t : undefined;
      }, 'the code action menu', 15_000);
      await s.screenshot('ctrl-dot-menu');
      await page.keyboard.press('Escape');
      const fixAll = titles.find((t) => FIX_ALL.test(t));
      assert.ok(fixAll, `the Ctrl+. menu offers Fix all: ${JSON.stringify(titles)}`);
      assert.ok(Number(FIX_ALL.exec(fixAll)![1]) >= 2, fixAll);
      assert.ok(titles.includes('Add proxy_http_version 1.1 and proxy_set_header Connection ""'), `the problem's own fix: ${JSON.stringify(titles)}`);

      await runCommand(page, 'Nginx: Fix All Problems in This File');
      const text = await waitForProblems(page, (t) => !t.includes('keepalive-without-http11') && !t.includes('websocket-read-timeout'), 'the fixed problems to leave the Problems panel');
      assert.ok(text.includes(DUPLICATE), 'a problem without a fix stays');
      await until(async () => (await page.locator('.editor-group-container.active .tab.active.dirty').count()) === 1, 'the editor to be dirty (fixed, not saved)', 10_000);
      await s.screenshot('after-fix-all-command');

      await runCommand(page, 'Nginx: Fix All Problems in This File');
      await page.locator('.notification-toast', { hasText: 'nothing to fix in shop.example.com' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      await s.screenshot('nothing-left');
    }));
});

// The real-editor proof for quick fixes (docs/e2e.md): in code-server + Chromium, on a copy of the
// demo, sites-enabled/shop.example.com has the keepalive upstream used without
// `proxy_http_version 1.1` and with the default "Connection: close" (one mistake, one diagnostic of
// rule keepalive-without-http11, nginxDoctor.nginxVersion 1.24.0 from demo/.vscode/settings.json).
// Through the UI only:
//   1. hovering the squiggle under `proxy_pass http://api_backend;` shows nginx-doctor's message;
//   2. Ctrl+. on that line lists the fix, choosing it inserts `proxy_http_version 1.1;` and
//      `proxy_set_header Connection "";` on the next lines, and the diagnostic leaves the Problems
//      panel, the status bar count and the hover;
//   3. "Source Action..." offers "Fix all nginx-doctor problems in this file (N)", which fixes the
//      file's other fixable problems (the same edits as `nginx-doctor fix`), after which the
//      source action is no longer offered and only unfixable / other-file problems remain.
// Screenshots go to test-artifacts/e2e/quickfix-NN-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO } from '../helpers/repo';
import { Session, buildExtensions, ensureCodeServer, goTo, numberedLines, openFile, problemsText, runCommand, until, waitForProblems, type Build } from './harness';

const SHOP = 'sites-enabled/shop.example.com';
const HTTP11_MESSAGE = 'upstream "api_backend" has keepalive 32, but this location sends HTTP/1.0 and "Connection: close". Each connection closes after one response; add proxy_http_version 1.1 and proxy_set_header Connection ""';
const CONNECTION_MESSAGE = 'upstream "api_backend" has keepalive, but this location sends "Connection: close". Add proxy_set_header Connection "" to keep connections open';
const HTTP11_FIX = 'Add proxy_http_version 1.1 and proxy_set_header Connection ""';
const FIX_ALL = /^Fix all nginx-doctor problems in this file \((\d+)\)$/;
const DUPLICATE = 'a duplicate default server for 0.0.0.0:80';
/** Rules that, in the demo, report only in shop.example.com, each with a preferred fix inside that file. */
const SHOP_FIXED_BY_FIX_ALL = ['upstream-buffers-invalid', 'proxy-headers-dropped-by-inheritance', 'upstream-host-header', 'websocket-read-timeout'];
const INDENT = '        ';

interface Problem {
  /** The file row's text: the name, then (without a space) its folder, e.g. "shop.example.comsites-enabled". */
  file: string;
  message: string;
  code: string;
  /** "34:9" */
  at: string;
}

/**
 * The entries of the Problems panel text (problemsText(): rows joined by newlines). A file row is
 * its name and folder, then its count; an entry row is message, source, code, "[Ln L, Col C]";
 * related-information rows (file, position, ":", message) belong to no entry.
 */
function parseProblems(text: string): Problem[] {
  const lines = text.split('\n').map((l) => l.trim());
  const out: Problem[] = [];
  let file = '';
  for (let i = 0; i < lines.length; i++) {
    if (/^\d+$/.test(lines[i + 1] ?? '') && lines[i + 2] !== undefined && lines[i + 3] === 'nginx-doctor') file = lines[i]!;
    const pos = /^\[Ln (\d+), Col (\d+)\]$/.exec(lines[i + 3] ?? '');
    if (lines[i + 1] === 'nginx-doctor' && pos) out.push({ file, message: lines[i]!, code: lines[i + 2]!, at: `${pos[1]}:${pos[2]}` });
  }
  return out;
}

const inShop = (text: string): Problem[] => parseProblems(text).filter((p) => p.file === 'shop.example.comsites-enabled');
const withCode = (text: string, code: string): Problem[] => parseProblems(text).filter((p) => p.code === code);
const summary = (list: Problem[]): string[] => list.map((p) => `${p.at} ${p.code}`).sort();

/** Status bar counts ("Errors: N, Warnings: M" in the problems item's aria-label). */
async function statusBarCount(page: Page, kind: 'Errors' | 'Warnings'): Promise<number> {
  const label = (await page.locator('#status\\.problems').getAttribute('aria-label', { timeout: 5000 })) ?? '';
  const m = new RegExp(`${kind}: (\\d+)`).exec(label);
  return m ? Number(m[1]) : NaN;
}

/** Waits until the editor renders exactly these lines at these numbers. */
async function expectLines(page: Page, expected: Record<number, string>, what: string): Promise<void> {
  let last = new Map<number, string>();
  try {
    await until(async () => {
      last = await numberedLines(page);
      return Object.entries(expected).every(([n, t]) => last.get(Number(n)) === t);
    }, what, 15_000);
  } catch (e) {
    const shown = Object.keys(expected).map((n) => `${n}: ${JSON.stringify(last.get(Number(n)))}`).join('\n');
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- rendered ---\n${shown}`);
  }
}

/** The squiggle (warning or error) on the cursor's line, located for the mouse. */
function squiggleOnCursorLine(page: Page): Locator {
  return page
    .locator('.editor-group-container.active .monaco-editor .view-overlays > div')
    .filter({ has: page.locator('.current-line') })
    .locator('.squiggly-warning, .squiggly-error')
    .first();
}

/** Moves the mouse over the squiggle on the cursor's line and returns the hover's text once `ready` holds. */
async function hoverSquiggle(page: Page, ready: (text: string) => boolean, what: string): Promise<string> {
  const squiggle = squiggleOnCursorLine(page);
  await squiggle.waitFor({ state: 'attached', timeout: 15_000 });
  const box = await until(async () => (await squiggle.boundingBox()) ?? undefined, 'the squiggle to have a box', 10_000);
  // Leave first, so that the hover is (re)computed for the position below.
  await page.mouse.move(5, 5);
  let last: string[] = [];
  try {
    return await until(async () => {
      await page.mouse.move(box.x + Math.min(box.width / 2, 40), box.y + box.height / 2, { steps: 3 });
      last = await page.locator('.monaco-hover:visible').allInnerTexts();
      return last.find(ready);
    }, what, 15_000, 400);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- hovers ---\n${last.join('\n---\n')}`);
  }
}

/** The titles of the open code action menu (Ctrl+. / Source Action...), once it has rows. */
async function actionMenuTitles(page: Page): Promise<string[]> {
  const rows = page.locator('.action-widget .monaco-list-row.action');
  return until(async () => {
    const titles = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
    return titles.length ? titles : undefined;
  }, 'the code action menu', 15_000);
}

/**
 * Chooses an entry of the open code action menu with the keyboard (arrow keys to it, Enter). A
 * click right after the menu opens hits the workbench's pointer block (it goes at the first mouse
 * move), so the keys are what a user would reliably press.
 */
async function chooseAction(page: Page, title: string | RegExp): Promise<void> {
  const count = await page.locator('.action-widget .monaco-list-row.action').count();
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  const matches = (t: string): boolean => (typeof title === 'string' ? t === title : title.test(t));
  for (let i = 0; ; i++) {
    const label = await until(async () => (await focused.count()) === 1 && ((await focused.getAttribute('aria-label', { timeout: 1000 })) ?? ''), 'a focused row in the code action menu', 5000);
    if (matches(label)) break;
    if (i > count) throw new Error(`no entry ${String(title)} in the code action menu`);
    await page.keyboard.press('ArrowDown');
    await until(async () => (await focused.getAttribute('aria-label', { timeout: 1000 })) !== label, 'the focus to move in the code action menu', 5000);
  }
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The original text with `lines` inserted after the first line that equals `after` (trimmed). */
function insertAfter(text: string, after: string, lines: string[]): string {
  const all = text.split('\n');
  const i = all.findIndex((l) => l.trim() === after);
  assert.ok(i >= 0, `the demo file has the line ${after}`);
  all.splice(i + 1, 0, ...lines);
  return all.join('\n');
}

describe('real editor: quick fixes (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let build: Build;
  let s: Session;
  const original = readFileSync(join(REPO, 'demo', SHOP), 'utf8');
  const originalLines = original.split('\n');
  /** 1-based line of `proxy_pass http://api_backend;` in /api/ (34 in the demo). */
  const passLine = originalLines.findIndex((l) => l.trim() === 'proxy_pass http://api_backend;') + 1;
  /** 1-based line of the nested /api/uploads/ location's proxy_pass (51 in the demo). */
  const nestedPassLine = originalLines.findIndex((l, i) => i >= passLine && l.trim() === 'proxy_pass http://api_backend;') + 1;
  const otherFiles = ['nginx.conf', 'snippets/proxy-headers.conf', 'conf.d/upstreams.conf', 'sites-enabled/admin.example.com'];
  let warningsBefore = NaN;

  before(async () => {
    assert.ok(passLine > 0 && nestedPassLine > passLine, 'the demo has both proxy_pass lines to api_backend');
    ensureCodeServer();
    build = buildExtensions();
    s = await Session.start({ name: 'quickfix', trusted: true, vsixes: [build.vsix] });
  }, { timeout: 20 * 60_000 });
  after(async () => {
    await s?.close();
    build?.remove();
  });

  test('hovering the squiggle shows the keepalive-without-http11 message', { timeout: 3 * 60_000 }, () =>
    s.step('hover', async () => {
      await openFile(s.page, SHOP);
      const text = await waitForProblems(
        s.page,
        (t) => withCode(t, 'keepalive-without-http11').length === 2 && SHOP_FIXED_BY_FIX_ALL.every((c) => withCode(t, c).length > 0) && t.includes(DUPLICATE),
        'the fixable problems of shop.example.com',
      );
      const http11 = withCode(text, 'keepalive-without-http11');
      assert.deepEqual(http11.map((p) => `${p.file} ${p.at}`), [`shop.example.comsites-enabled ${passLine}:9`, `shop.example.comsites-enabled ${nestedPassLine}:13`], 'keepalive-without-http11 on both proxy_pass lines');
      assert.ok(http11.every((p) => p.message === HTTP11_MESSAGE), `the message in the panel:\n${text}`);
      for (const c of SHOP_FIXED_BY_FIX_ALL) assert.ok(inShop(text).some((p) => p.code === c), `${c} is reported in shop.example.com:\n${text}`);
      warningsBefore = await statusBarCount(s.page, 'Warnings');
      assert.ok(warningsBefore >= 2, `the status bar counts the warnings (${warningsBefore})`);

      await goTo(s.page, passLine, 9);
      const hover = await hoverSquiggle(s.page, (t) => t.includes(HTTP11_MESSAGE), 'the hover to show the keepalive-without-http11 message');
      assert.ok(hover.includes(`${HTTP11_MESSAGE}nginx-doctorkeepalive-without-http11`), `the message with its source and rule id:\n${hover}`);
      assert.match(hover, /upstreams\.conf\(12, 5\): keepalive set here/);
      // one mistake, one diagnostic: no separate keepalive-connection-header on the line
      assert.ok(!hover.includes('keepalive-connection-header'), `one problem on the line in the hover:\n${hover}`);
      await s.screenshot('hover-on-squiggle');
      await s.page.mouse.move(5, 5);
      await s.page.keyboard.press('Escape');
    }));

  test('Ctrl+. lists the fix; choosing it inserts proxy_http_version 1.1 and clears the diagnostic', { timeout: 3 * 60_000 }, () =>
    s.step('quick-fix', async () => {
      assert.ok(Number.isFinite(warningsBefore), 'the hover test ran first');
      await goTo(s.page, passLine, 9);
      await s.page.keyboard.press('Control+.');
      const titles = await actionMenuTitles(s.page);
      for (const t of [HTTP11_FIX, 'Disable keepalive-without-http11 for this line']) {
        assert.ok(titles.includes(t), `the quick fix menu offers ${t}: ${JSON.stringify(titles)}`);
      }
      // and, as ESLint does, Fix all for the whole file (more than this one fix would be made)
      assert.ok(titles.some((t) => FIX_ALL.test(t)), `Ctrl+. on a fixable problem offers Fix all too: ${JSON.stringify(titles)}`);
      await s.screenshot('quick-fix-menu');
      await chooseAction(s.page, HTTP11_FIX);

      // The two new lines are right after the proxy_pass, in order, with the block's indentation
      // (the headers come from an included snippet, so Connection "" goes into the location).
      await expectLines(s.page, {
        [passLine - 1]: originalLines[passLine - 2]!,
        [passLine]: `${INDENT}proxy_pass http://api_backend;`,
        [passLine + 1]: `${INDENT}proxy_http_version 1.1;`,
        [passLine + 2]: `${INDENT}proxy_set_header Connection "";`,
        [passLine + 3]: originalLines[passLine]!,
        [passLine + 4]: originalLines[passLine + 1]!,
      }, 'proxy_http_version 1.1 and Connection "" on the lines after proxy_pass');
      await until(async () => (await s.page.locator('.editor-group-container.active .tab.active.dirty').count()) === 1, 'the editor to be dirty', 10_000);

      // Both reports go: the nested location inherits proxy_http_version from /api/.
      const text = await waitForProblems(s.page, (t) => withCode(t, 'keepalive-without-http11').length === 0, 'keepalive-without-http11 to leave the Problems panel');
      assert.ok(!text.includes(HTTP11_MESSAGE), `the message is gone from the panel:\n${text}`);
      // The nested location has its own header list: it now speaks HTTP/1.1 but still sends
      // "Connection: close" (keepalive-connection-header, two lines lower).
      assert.deepEqual(summary(withCode(text, 'keepalive-connection-header')), [`${nestedPassLine + 2}:13 keepalive-connection-header`]);
      assert.ok(text.includes(DUPLICATE), 'unrelated problems stay');
      await until(async () => (await statusBarCount(s.page, 'Warnings')) === warningsBefore - 1, `the status bar to count ${warningsBefore - 1} warnings (was ${warningsBefore})`);

      // The hover on the nested location's squiggle shows the problem left there.
      await goTo(s.page, nestedPassLine + 2, 13);
      const hover = await hoverSquiggle(s.page, (t) => t.includes(CONNECTION_MESSAGE), 'the hover to show the remaining problem');
      assert.ok(!hover.includes(HTTP11_MESSAGE), `keepalive-without-http11 is gone from the hover:\n${hover}`);
      await s.screenshot('after-quick-fix');
      await s.page.mouse.move(5, 5);
      await s.page.keyboard.press('Escape');
      // Nothing was saved: the disk copy is still the demo's.
      assert.equal(readFileSync(join(s.folder, SHOP), 'utf8'), original);
    }));

  test('"Source Action..." fixes all fixable problems of the file; afterwards none is left', { timeout: 3 * 60_000 }, () =>
    s.step('fix-all', async () => {
      const others = new Map(otherFiles.map((f) => [f, readFileSync(join(s.folder, f), 'utf8')]));
      await goTo(s.page, 1, 1);
      await runCommand(s.page, 'Source Action...');
      const titles = await actionMenuTitles(s.page);
      const fixAll = titles.find((t) => FIX_ALL.test(t));
      assert.ok(fixAll, `the source action menu offers "Fix all nginx-doctor problems in this file": ${JSON.stringify(titles)}`);
      // upstream-buffers-invalid, proxy-headers-dropped-by-inheritance (which copies /api/'s list
      // into the nested location, as /api/ wrote it: its include, then Connection "": that settles
      // its keepalive-connection-header and upstream-host-header too), websocket-read-timeout.
      assert.equal(FIX_ALL.exec(fixAll)![1], '3', `the number of fixes in "${fixAll}"`);
      await s.screenshot('source-action-menu');
      await chooseAction(s.page, FIX_ALL);

      // The edits of `nginx-doctor fix` for this file, applied to the (unsaved) quick-fixed text.
      // /api/ takes its proxy_set_header lines from an included snippet: Connection "" was added in
      // the location itself (after proxy_pass), never in the shared snippet, and the nested location
      // gets that include again, not the snippet's four lines pasted in (issue #18). The buffers are
      // the ones people write: 8 as large as proxy_buffer_size, not "9 4k".
      let expected = insertAfter(original, 'proxy_pass http://api_backend;', [`${INDENT}proxy_http_version 1.1;`, `${INDENT}proxy_set_header Connection "";`]);
      expected = insertAfter(expected, 'proxy_buffer_size 16k;', [`${INDENT}proxy_buffers 8 16k;`]);
      expected = insertAfter(expected, 'proxy_set_header X-Upload-Size $content_length;', [
        `${INDENT}    include snippets/proxy-headers.conf;`,
        `${INDENT}    proxy_set_header Connection "";`,
      ]);
      expected = insertAfter(expected, 'proxy_pass http://chat_ws;', [`${INDENT}proxy_read_timeout 3600s;`, `${INDENT}proxy_send_timeout 3600s;`]);
      const expectedLines = expected.split('\n');
      const buffersLine = expectedLines.findIndex((l) => l.trim() === 'proxy_buffers 8 16k;') + 1;
      await goTo(s.page, buffersLine, 1);
      await expectLines(s.page, {
        [buffersLine - 1]: `${INDENT}proxy_buffer_size 16k;`,
        [buffersLine]: `${INDENT}proxy_buffers 8 16k;`,
      }, 'the fix-all edits in the editor');

      const text = await waitForProblems(
        s.page,
        (t) => SHOP_FIXED_BY_FIX_ALL.every((c) => withCode(t, c).length === 0) && withCode(t, 'keepalive-connection-header').length === 0,
        'the fixed problems to leave the Problems panel',
      );
      // What stays in this file: the duplicate default server (no fix: which site should be the
      // default is a choice).
      assert.deepEqual(summary(inShop(text)), ['9:5 duplicate-default-server'], `what is left in shop.example.com:\n${text}`);
      assert.ok(inShop(text).some((p) => p.message === DUPLICATE));
      assert.ok(withCode(text, 'undefined-upstream').length === 1 && withCode(text, 'unknown-directive').length === 1, `other files keep their problems:\n${text}`);
      await s.screenshot('after-fix-all');

      // Nothing in this file is left for "Fix all": the source action is no longer offered.
      await goTo(s.page, 1, 1);
      await runCommand(s.page, 'Source Action...');
      const none = s.page.locator('.monaco-editor-overlaymessage', { hasText: 'No source actions available' });
      const menu = s.page.locator('.action-widget .monaco-list-row.action');
      const outcome = await until(async () => ((await none.isVisible()) ? 'none' : (await menu.count()) > 0 ? 'menu' : undefined), 'the source action menu or "No source actions available"', 15_000);
      if (outcome === 'menu') {
        const again = await actionMenuTitles(s.page);
        assert.ok(!again.some((t) => t.startsWith('Fix all nginx-doctor')), `no "Fix all" left: ${JSON.stringify(again)}`);
      }
      await s.screenshot('source-action-nothing-left');
      await s.page.keyboard.press('Escape');

      // Saved, the file is exactly the demo plus the inserted lines; no other file was touched.
      await goTo(s.page, 1, 1);
      await s.page.keyboard.press('Control+S');
      await until(() => readFileSync(join(s.folder, SHOP), 'utf8') !== original || undefined, 'the file to be saved', 15_000);
      assert.equal(readFileSync(join(s.folder, SHOP), 'utf8'), expected);
      for (const [f, t] of others) assert.equal(readFileSync(join(s.folder, f), 'utf8'), t, `${f} is untouched`);
      assert.equal(await s.page.locator('.tab.dirty').count(), 0, 'no editor is left dirty');
      assert.deepEqual(summary(inShop(await problemsText(s.page))), ['9:5 duplicate-default-server'], 'saving changes nothing');
    }));
});

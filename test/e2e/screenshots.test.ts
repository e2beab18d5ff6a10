// The screenshot tour (issue #18, "Proof"): every flow a newcomer meets, in the dark and the light
// default themes, on a copy of the demo: first open (diagnostics in the editor and the Problems
// panel), hover + the Ctrl+. menu, Fix all, the Explain report, the tail view, the 502 checklist, and
// Restricted Mode. Each step also checks what it shows, so a broken flow fails here rather than
// leave a misleading picture. Full windows go to test-artifacts/e2e/tour-<theme>-NN-*.png; the
// README's pictures (the editor, the report, the tail view) are cut from the dark tour into
// test-artifacts/e2e/readme/ (docs/images/ holds the copies the README shows).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { REPO } from '../helpers/repo';
import { ARTIFACTS, Session, buildExtensions, ensureCodeServer, goTo, openFile, runCommand, until, waitForProblems, type Build } from './harness';

const THEMES = [
  { key: 'dark', theme: 'Default Dark Modern' },
  { key: 'light', theme: 'Default Light Modern' },
] as const;
const SHOP = 'sites-enabled/shop.example.com';
const README_SHOTS = join(ARTIFACTS, 'readme');

function workspace(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-tour-ws-')));
  cpSync(join(REPO, 'demo'), dir, { recursive: true });
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({
    'nginxDoctor.nginxVersion': '1.24.0',
    'nginxDoctor.logSources': [{ name: 'demo', path: 'error.log' }],
  }, null, 2));
  return dir;
}

async function frameWith(page: Page, selector: string, what: string, ms = 30_000): Promise<Frame> {
  return until(async () => {
    for (const f of page.frames()) {
      if (!f.isDetached() && (await f.locator(selector).count().catch(() => 0))) return f;
    }
    return undefined;
  }, what, ms, 300);
}

async function commandWithPick(page: Page, title: string, pick: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await until(async () => (await page.locator('.quick-input-list .monaco-list-row').first().innerText({ timeout: 1000 })).includes(title), `"${title}" in the palette`, 15_000);
  await page.keyboard.press('Enter');
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await until(async () => !(await input.inputValue()).startsWith('>') && (await first.innerText({ timeout: 1000 })).startsWith(pick), `"${pick}" in the QuickPick`, 20_000);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
}

/** A picture of one part of the window for the README (dark theme only). */
async function readmeShot(key: string, name: string, part: Locator): Promise<void> {
  if (key !== 'dark') return;
  mkdirSync(README_SHOTS, { recursive: true });
  await part.screenshot({ path: join(README_SHOTS, `${name}.png`), timeout: 15_000 });
}

for (const { key, theme } of THEMES) {
  describe(`screenshot tour, ${theme}`, { timeout: 20 * 60_000 }, () => {
    let build: Build;
    let dir: string;

    before(() => {
      ensureCodeServer();
      build = buildExtensions();
      dir = workspace();
    }, { timeout: 20 * 60_000 });
    after(() => {
      build?.remove();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('trusted: first open, hover and quick fix, Fix all, Explain, tail, checklist', { timeout: 12 * 60_000 }, async () => {
      const s = await Session.start({ name: `tour-${key}`, trusted: true, vsixes: [build.vsix], workspace: dir, theme });
      try {
        const page = s.page;
        await s.step('first-open', async () => {
          await openFile(page, 'nginx.conf');
          await waitForProblems(page, (t) => t.includes('invalid value "yes" in "gzip" directive') && t.includes('duplicate-default-server'), 'the first problems');
          await s.screenshot('first-open');
          // the Problems panel has been seen: the editor and the reports below get the width
          await runCommand(page, 'View: Hide Panel');
        });

        await s.step('hover-quick-fix', async () => {
          await openFile(page, SHOP);
          const lines = readFileSync(join(dir, SHOP), 'utf8').split('\n');
          const passLine = lines.findIndex((l) => l.trim() === 'proxy_pass http://api_backend;') + 1;
          await goTo(page, passLine, 9);
          const squiggle = page.locator('.editor-group-container.active .monaco-editor .view-overlays > div').filter({ has: page.locator('.current-line') }).locator('.squiggly-warning, .squiggly-error').first();
          await squiggle.waitFor({ state: 'attached', timeout: 30_000 });
          const box = await until(async () => (await squiggle.boundingBox()) ?? undefined, 'the squiggle', 10_000);
          await page.mouse.move(5, 5);
          await until(async () => {
            await page.mouse.move(box.x + Math.min(box.width / 2, 40), box.y + box.height / 2, { steps: 3 });
            return (await page.locator('.monaco-hover:visible').allInnerTexts()).some((t) => t.includes('keepalive-without-http11'));
          }, 'the hover', 15_000, 400);
          await s.screenshot('hover');
          await readmeShot(key, 'hover', page.locator('.part.editor'));
          await page.mouse.move(5, 5);
          await page.keyboard.press('Escape');
          await page.keyboard.press('Control+.');
          await until(async () => (await page.locator('.action-widget .monaco-list-row.action').allInnerTexts()).some((t) => t.startsWith('Fix all nginx-doctor problems')), 'the Ctrl+. menu with Fix all', 15_000);
          await s.screenshot('quick-fix-menu');
          await readmeShot(key, 'quick-fix', page.locator('.part.editor'));
          await page.keyboard.press('Escape');
        });

        await s.step('fix-all', async () => {
          const squiggles = () => page.locator('.editor-group-container.active .monaco-editor .squiggly-warning').count();
          const before = await squiggles();
          await runCommand(page, 'Nginx: Fix All Problems in This File');
          await until(async () => (await squiggles()) < before, 'Fix all to clear warnings in the editor', 30_000);
          await s.screenshot('fix-all');
          // back to the demo's text, for the report below
          await page.keyboard.press('Control+Z');
          await until(async () => (await squiggles()) === before, 'the undo', 30_000);
        });

        await s.step('explain', async () => {
          await openFile(page, 'error.log');
          await goTo(page, 9, 1);
          await runCommand(page, 'Nginx: Explain this 502');
          const frame = await frameWith(page, 'section.group[data-cause="upstream-tls-to-plain-http"] .quick-fixes', 'the explain report');
          assert.match(await frame.locator('section.group').innerText(), /What to do[\s\S]*Use http:\/\/[\s\S]*What happened[\s\S]*Confidence\s+exact/);
          await s.screenshot('explain-report');
          await readmeShot(key, 'explain', page.locator('.part.editor'));
        });

        await s.step('tail', async () => {
          await page.keyboard.press('Control+1');
          await commandWithPick(page, 'Nginx: Tail Error Log...', 'demo');
          const frame = await frameWith(page, '#lines[role="log"] .line.failure', 'the tail view with failures');
          await until(async () => (await frame.locator('.line.failure').count()) >= 5, 'the history of the demo log', 20_000);
          await s.screenshot('tail-view');
          await readmeShot(key, 'tail', page.locator('.part.editor'));
          await runCommand(page, 'Nginx: Stop Tailing');
        });

        await s.step('checklist', async () => {
          await page.keyboard.press('Control+1');
          await openFile(page, 'nginx.conf');
          await commandWithPick(page, 'Nginx: Check Server for 502 Causes', 'This machine');
          await frameWith(page, 'table.checks tr.check', 'the checklist', 3 * 60_000);
          await s.screenshot('checklist');
        });
      } finally {
        await s.close();
      }
    });

    test('Restricted Mode: diagnostics stay, the language status says what is off', { timeout: 6 * 60_000 }, async () => {
      const s = await Session.start({ name: `tour-${key}-restricted`, trusted: false, vsixes: [build.vsix], workspace: dir, theme });
      try {
        await s.step('restricted', async () => {
          const page = s.page;
          await openFile(page, 'nginx.conf');
          await waitForProblems(page, (t) => t.includes('invalid value "yes" in "gzip" directive'), 'the problems in Restricted Mode');
          await until(async () => /restricted/.test((await page.locator('#status\\.languageStatus').getAttribute('aria-label')) ?? ''), 'the language status to say "restricted"');
          await page.locator('#status\\.languageStatus').hover();
          await until(async () => (await page.locator('.monaco-hover').allInnerTexts()).some((t) => t.includes('runs nothing until trusted')), 'the language status hover', 15_000);
          await s.screenshot('restricted');
        });
      } finally {
        await s.close();
      }
    });
  });
}

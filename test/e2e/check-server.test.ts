// The real-editor proof for "Nginx: Check Server for 502 Causes" (docs/e2e.md): in code-server +
// Chromium, on a copy of the demo (with one SSH host in nginxDoctor.logSources, so the QuickPick
// has to offer it next to "This machine"), the command is run from the Command Palette on "This
// machine". The report panel lists the checklist of `nginx-doctor doctor`; the demo's
// `upstream chat_ws { server 127.0.0.1:9000; }` has nothing listening, so its row is failed with
// "connection refused", and its config link opens conf.d/upstreams.conf with the cursor on that
// server line; nginxDoctor.backends maps chat_ws to this machine, so its port and unit are looked
// at there too. In Restricted Mode the command refuses and runs nothing.
// Screenshots go to test-artifacts/e2e/check-server-NN-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { REPO } from '../helpers/repo';
import { nginxBinary } from '../helpers/nginx-oracle';
import { startSite, type Site } from '../doctor/site';
import { Session, buildExtensions, ensureCodeServer, goTo, numberedLines, openFile, runCommand, until, type Build } from './harness';

const DEMO = join(REPO, 'demo');
const COMMAND = 'Nginx: Check Server for 502 Causes';
const SSH_HOST = 'deploy@web1.invalid';

/** 1-based line of `server 127.0.0.1:9000;` inside `upstream chat_ws {` in the demo. */
function chatWsServerLine(): number {
  const lines = readFileSync(join(DEMO, 'conf.d', 'upstreams.conf'), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\s*upstream\s+chat_ws\s*\{/.test(l));
  assert.ok(start >= 0, 'demo/conf.d/upstreams.conf has upstream chat_ws');
  const server = lines.findIndex((l, i) => i > start && /^\s*server\s+127\.0\.0\.1:9000\s*;/.test(l));
  assert.ok(server > start, 'upstream chat_ws has server 127.0.0.1:9000');
  assert.ok(!lines.slice(start + 1, server).some((l) => l.includes('}')), 'the server line is inside the chat_ws block');
  return server + 1;
}

/** The webview frame that shows the checklist of the `run`-th run in its panel. */
async function reportFrame(s: Session, run: number, ms = 60_000): Promise<Frame> {
  return until(async () => {
    for (const f of s.page.frames()) {
      if (f.isDetached()) continue;
      if (await f.locator(`body[data-run="${run}"] table.checks tr.check`).count().catch(() => 0)) return f;
    }
    return undefined;
  }, `the 502 checklist report (run ${run})`, ms, 300);
}

/** The row of backend 127.0.0.1:9000 (upstream chat_ws). */
function chatWsRow(frame: Frame): Locator {
  return frame.locator('tr.check[data-id="backend-reachable"]').filter({ hasText: '127.0.0.1:9000' }).filter({ hasText: 'chat_ws' });
}

/**
 * Opens nginx.conf and waits until its language mode reads "nginx": the extension's contributions
 * (its commands among them) are loaded then. The Command Palette lists the commands known when it
 * opens, so running the command earlier could miss it.
 */
async function openNginxConf(page: Page): Promise<void> {
  await openFile(page, 'nginx.conf');
  await until(async () => /nginx/i.test(await page.locator('#status\\.editor\\.mode').innerText({ timeout: 1000 })), 'nginx.conf in the nginx language mode', 30_000);
}

/** The QuickPick's rows (label and description), once it lists `first`. */
async function quickPickRows(page: Page, first: string): Promise<string[]> {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await until(async () => (await rows.allInnerTexts()).some((t) => t.includes(first)), `the QuickPick to list "${first}"`, 15_000);
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

describe('real editor: Nginx: Check Server for 502 Causes', { timeout: 15 * 60_000 }, () => {
  let build: Build;
  let workspace: string;
  const line = chatWsServerLine();

  before(() => {
    ensureCodeServer();
    build = buildExtensions();
    // the demo plus one SSH log source (never contacted: the test picks "This machine")
    workspace = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-check-ws-')));
    cpSync(DEMO, workspace, { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'nginxDoctor.nginxVersion': '1.24.0',
      // a local source: "This machine" reads it (--error-log) instead of /var/log/nginx/error.log
      'nginxDoctor.logSources': [{ name: 'demo', path: 'error.log' }, { name: 'web1', host: SSH_HOST, path: '/var/log/nginx/error.log', sudo: true }],
      // chat_ws runs on this machine (no "host"): its failed backend gets the backend-host rows (#20)
      'nginxDoctor.backends': { chat_ws: { unit: 'nd-chat.service' } },
    }, null, 2));
  }, { timeout: 20 * 60_000 });
  after(() => {
    build?.remove();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('on "This machine": chat_ws 127.0.0.1:9000 fails with "refused", and its config link opens that server line', { timeout: 5 * 60_000 }, async () => {
    const s = await Session.start({ name: 'check-server', trusted: true, vsixes: [build.vsix], workspace });
    try {
      await s.step('run', async () => {
        const page = s.page;
        await openNginxConf(page);
        await runCommand(page, COMMAND);
        const rows = await quickPickRows(page, 'This machine');
        assert.ok(rows[0]!.startsWith('This machine'), `"This machine" comes first:\n${rows.join('\n')}`);
        assert.ok(rows.some((r) => r.includes(`SSH ${SSH_HOST}`) && r.includes('sudo')), `the SSH host from nginxDoctor.logSources is offered:\n${rows.join('\n')}`);
        await s.screenshot('where-to-run');
        await page.locator('.quick-input-widget input').fill('This machine');
        await until(async () => (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().innerText({ timeout: 1000 })).includes('This machine'), 'the pick to be "This machine"', 10_000);
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });

        const frame = await reportFrame(s, 1);
        const header = await frame.locator('header').innerText();
        assert.match(header, /\d+ failed · \d+ warnings? · \d+ passed · \d+ skipped/, `the counts in the header:\n${header}`);
        assert.ok(await frame.locator('button#rerun').isVisible(), 'a "Run again" button');
        const row = chatWsRow(frame);
        assert.equal(await row.count(), 1, 'one row for backend 127.0.0.1:9000 (upstream chat_ws)');
        assert.equal(await row.getAttribute('data-status'), 'fail');
        assert.match(await row.locator('td.status').innerText(), /FAIL/);
        assert.match(await row.locator('td.found').innerText(), /refused/);
        assert.equal((await row.locator('td.config a.open').innerText()).trim(), `conf.d/upstreams.conf:${line}`);
        // failed rows stand out: their own class (highlighted) and the failed count covers them
        assert.ok((await row.getAttribute('class'))!.includes('st-fail'));
        const failed = Number(/(\d+) failed/.exec(header)![1]);
        assert.equal(await frame.locator('tr.check[data-status="fail"]').count(), failed);
        // nginxDoctor.backends maps chat_ws to this machine: one hop further, its port and its unit
        const listening = frame.locator('tr.check[data-id="backend-listening"]').filter({ hasText: '127.0.0.1:9000' });
        assert.equal(await listening.count(), 1, 'a backend-listening row for chat_ws');
        assert.equal(await listening.getAttribute('data-status'), 'fail');
        assert.match(await listening.locator('td.found').innerText(), /nothing listens on port 9000/);
        const service = frame.locator('tr.check[data-id="backend-service"]').filter({ hasText: 'nd-chat.service' });
        assert.equal(await service.count(), 1, 'a backend-service row for chat_ws');
        assert.match(await service.locator('td.found').innerText(), /systemd is not running on this machine|nd-chat\.service is inactive/);
        // #18 item 12: failures first, then warnings, passes, skips; a skip says why
        const statuses = await frame.locator('tr.check').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
        const rank: Record<string, number> = { fail: 0, warn: 1, pass: 2, skip: 3 };
        assert.deepEqual(statuses, [...statuses].sort((a, b) => rank[a!]! - rank[b!]!), `rows in status order: ${statuses.join(' ')}`);
        for (const found of await frame.locator('tr.check[data-status="skip"] td.found').allInnerTexts()) assert.ok(found.trim().length > 3, 'a skip says why');
        // backend-ports lists only ports the config names
        const ports = await frame.locator('tr.check[data-id="backend-ports"] td.found').innerText();
        assert.doesNotMatch(ports, /ports that do listen/);
        // "Quick fix…" only where the config line has fixes: none for the down backend's server line,
        // one for proxy_pass https:// to a plain-HTTP port (the rule's fix: Use http://)
        assert.equal(await row.locator('button.quickfix').count(), 0, 'no Quick fix… on a line without fixes');
        const https = frame.locator('tr.check[data-id="backend-reachable"]').filter({ hasText: '127.0.0.1:3000' });
        assert.equal(await https.count(), 1, 'the row of backend 127.0.0.1:3000 (admin.example.com)');
        assert.equal(await https.locator('button.quickfix').count(), 1, 'Quick fix… where the line has a fix');
        await s.screenshot('report');
        await https.locator('button.quickfix').click();
        await until(async () => (await page.locator('.editor-group-container.active .breadcrumbs-control').first().innerText({ timeout: 1000 })).includes('admin.example.com'), 'admin.example.com to be the active editor', 20_000);
        await until(async () => (await page.locator('#status\\.editor\\.selection').innerText({ timeout: 1000 })).includes('Ln 15,'), 'the cursor on line 15', 20_000);
        const menu = page.locator('.action-widget .monaco-list-row.action');
        const titles = await until(async () => ((await menu.count()) ? menu.allInnerTexts() : undefined), 'the code action menu at the line', 20_000);
        assert.ok(titles.some((t) => t.includes('Use http://')), `the line's quick fixes are shown: ${JSON.stringify(titles)}`);
        await s.screenshot('quick-fix-from-checklist');
        await page.keyboard.press('Escape');
        await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10_000 });

        // the demo's error.log (real nginx lines, hours old): a warning row that carries its lines to "Explain"
        const logRow = (await reportFrame(s, 1)).locator('tr.check[data-id="error-log"]').filter({ hasText: 'error.log' });
        assert.equal(await logRow.count(), 1, 'one error-log row');
        assert.equal(await logRow.getAttribute('data-status'), 'warn');
        assert.match(await logRow.locator('td.found').innerText(), /upstream failure\(s\).*upstream-refused/s);
        await logRow.locator('button.explain').click();
        const explained = await until(async () => {
          for (const f of page.frames()) {
            if (f.isDetached()) continue;
            if (await f.locator('section.group').count().catch(() => 0)) return f;
          }
          return undefined;
        }, 'the explain report for the row\'s log lines', 30_000, 300);
        assert.match(await explained.locator('body').innerText(), /refused/i);
        await s.screenshot('explain-from-checklist');

        // "Run again" shows the new run in the same panel, compared with the previous one
        await page.locator('.tabs-container .tab').filter({ hasText: 'Nginx: 502 checklist' }).click();
        await (await reportFrame(s, 1)).locator('button#rerun').click();
        const again = await reportFrame(s, 2);
        assert.equal(await page.locator('.tabs-container .tab').filter({ hasText: 'Nginx: 502 checklist' }).count(), 1, 'one report panel');
        assert.match(await again.locator('#compare').innerText(), /Since the previous run.*: \d+ now pass · \d+ still fail · \d+ new/s);
        assert.equal(await chatWsRow(again).getAttribute('data-previous'), 'fail', 'each row knows its previous status');
        const link = chatWsRow(again).locator('td.config a.open');
        assert.equal((await link.innerText()).trim(), `conf.d/upstreams.conf:${line}`);

        await link.click();
        await until(async () => {
          const crumbs = (await page.locator('.editor-group-container.active .breadcrumbs-control').first().innerText({ timeout: 1000 })).replace(/\s+/g, ' ');
          return crumbs.includes('upstreams.conf') && crumbs.includes('conf.d');
        }, 'conf.d/upstreams.conf to be the active editor', 20_000);
        await until(async () => (await page.locator('#status\\.editor\\.selection').innerText({ timeout: 1000 })).includes(`Ln ${line},`), `the cursor on line ${line}`, 20_000);
        const shown = await until(async () => (await numberedLines(page)).get(line), `line ${line} to be rendered`, 10_000);
        assert.match(shown, /server 127\.0\.0\.1:9000;/);
        await s.screenshot('config-line-opened');

        // after "Run again" only log lines written since the first run count: none, so the row passes now
        const logAgain = (await reportFrame(s, 2)).locator('tr.check[data-id="error-log"]').filter({ hasText: 'error.log' });
        assert.equal(await logAgain.getAttribute('data-status'), 'pass');
        assert.equal(await logAgain.getAttribute('data-previous'), 'warn');
        assert.match(await logAgain.locator('td.found').innerText(), /no upstream failures since the previous run/);

        // #23 item 3: "Nginx: Show Effective Settings" on a location shows the CLI's table
        await openFile(page, 'sites-enabled/shop.example.com');
        const apiLine = readFileSync(join(workspace, 'sites-enabled', 'shop.example.com'), 'utf8').split('\n').findIndex((l) => /^\s*location \/api\/ \{/.test(l)) + 2;
        await goTo(page, apiLine, 1);
        await runCommand(page, 'Nginx: Show Effective Settings');
        const table = await until(async () => {
          const text = (await page.locator('.editor-group-container.active .view-lines').first().innerText({ timeout: 1000 }).catch(() => '')).replace(/\u00a0/g, ' ');
          return /effective settings of 1 block/.test(text) ? text : undefined;
        }, 'the effective settings document', 30_000);
        assert.match(table, /location \/api\/ \(sites-enabled\/shop\.example\.com:\d+\)/);
        assert.match(table, /proxy_read_timeout/);
        assert.match(table, /proxy_buffer_size\s+\S+\s+sites-enabled\/shop\.example\.com:\d+ \(location\)/);
        await s.screenshot('effective-settings');
      });
    } finally {
      await s.close();
    }
  });

  test('several nginx masters: each is listed and checked; "Check only this one" runs the checks for that master (--pid)', {
    timeout: 6 * 60_000,
    skip: !nginxBinary() ? 'nginx is not installed' : process.getuid?.() !== 0 ? 'needs root (nginx workers switch to nobody)' : false,
  }, async () => {
    // two real nginx masters on loopback, each with its own -c (other programs' masters may run too)
    const sites: Site[] = [];
    const s = await Session.start({ name: 'check-server-instances', trusted: true, vsixes: [build.vsix], workspace });
    try {
      sites.push(await startSite(), await startSite());
      await s.step('instances', async () => {
        const page = s.page;
        await openNginxConf(page);
        await runCommand(page, COMMAND);
        await quickPickRows(page, 'This machine');
        await page.locator('.quick-input-widget input').fill('This machine');
        await page.keyboard.press('Enter');
        const frame = await reportFrame(s, 1);
        const listed = (await frame.locator('ul.instances li').allInnerTexts()).join('\n');
        for (const site of sites) assert.match(listed, new RegExp(`nginx pid ${site.masterPid} runs ${site.conf.replace(/[.]/g, '\\.')} \\(command line\\)`), listed);
        await s.screenshot('instances');
        await frame.locator(`button.instance[data-pid="${sites[0]!.masterPid}"]`).click();
        const one = await reportFrame(s, 2);
        const picked = await one.locator('p.instances').innerText();
        assert.match(picked, new RegExp(`nginx pid ${sites[0]!.masterPid} runs .*\\(picked\\)`));
        assert.doesNotMatch(picked, new RegExp(`pid ${sites[1]!.masterPid}\\b`), 'only the picked master');
        assert.equal(await one.locator('ul.instances').count(), 0);
        assert.equal(await one.locator('button.instance[data-pid=""]').count(), 1, 'a way back to every instance');
        await s.screenshot('one-instance');
      });
    } finally {
      await s.close();
      for (const site of sites) await site.stop();
    }
  });

  test('in Restricted Mode the palette hides the command, and run anyway (a keybinding) it says why, as information, and runs nothing', { timeout: 4 * 60_000 }, async () => {
    const s = await Session.start({ name: 'check-server-restricted', trusted: false, vsixes: [build.vsix], workspace, keybindings: [{ key: 'ctrl+alt+9', command: 'nginxDoctor.checkServer' }] });
    try {
      await s.step('restricted', async () => {
        const page = s.page;
        await openNginxConf(page);
        // the palette: "Nginx: Check Server..." and "Nginx: Tail Error Log..." are hidden (when: isWorkspaceTrusted)
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill('>Nginx: ');
        const titles = await until(async () => {
          const t = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
          return t.some((x) => x.includes('Explain this 502')) ? t : undefined;
        }, 'the Nginx commands in the palette', 15_000);
        await s.screenshot('palette');
        await page.keyboard.press('Escape');
        assert.ok(!titles.some((t) => t.includes(COMMAND.replace('Nginx: ', '')) || t.includes('Tail Error Log')), `palette: ${titles.join(' | ')}`);
        await page.locator('.editor-group-container.active .monaco-editor').first().click();
        await page.keyboard.press('Control+Alt+9');
        const toast = page.locator('.notification-toast').filter({ hasText: 'Restricted Mode does not allow' });
        await toast.first().waitFor({ state: 'visible', timeout: 20_000 });
        assert.equal(await toast.locator('.codicon-error').count(), 0, 'not an error');
        assert.equal(await toast.locator('.codicon-info').count(), 1, 'an information message');
        assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no QuickPick');
        for (const f of page.frames()) assert.equal(await f.locator('table.checks').count().catch(() => 0), 0, 'no report');
        await s.screenshot('refused');
      });
    } finally {
      await s.close();
    }
  });
});

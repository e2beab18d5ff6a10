// "Nginx: Check Server for 502 Causes" on several hosts in a real editor (code-server + Chromium):
// two real sshd "hosts" on 127.0.0.1 in front of a real nginx (test/doctor/site.ts) are the SSH
// log sources of the workspace; the QuickPick offers "Several hosts...", the multi-select has both
// ticked, and one report shows the fleet summary (the backend where nothing listens fails from
// every host) before each host's rows, titled with their host. The hosts' aliases (unique to this
// run) are in a file of /etc/ssh/ssh_config.d/ while the test runs (see tail-hosts.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { fleetSshConfig } from '../helpers/fleet';
import { nginxBinary } from '../helpers/nginx-oracle';
import { startSite, type Site } from '../doctor/site';
import { Session, buildExtensions, ensureCodeServer, openFile, runCommand, until, type Build } from './harness';

const COMMAND = 'Nginx: Check Server for 502 Causes';
const skip = sshdAvailable() ?? (!nginxBinary() ? 'nginx is not installed' : !existsSync('/etc/ssh/ssh_config.d') ? 'no /etc/ssh/ssh_config.d' : false);
const W1 = `nd-e2e-${process.pid}-check1`;
const W2 = `nd-e2e-${process.pid}-check2`;
const GLOBAL = `/etc/ssh/ssh_config.d/nginx-doctor-e2e-check-${process.pid}.conf`;
process.on('exit', () => rmSync(GLOBAL, { force: true }));

describe('real editor: Check Server for 502 Causes on several hosts', { timeout: 15 * 60_000, skip }, () => {
  let build: Build;
  let site: Site;
  let dir: string;
  const hosts: Sshd[] = [];
  let s: Session;

  before(async () => {
    ensureCodeServer();
    build = buildExtensions();
    site = await startSite();
    hosts.push(await startSshd(), await startSshd());
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-check-hosts-')));
    writeFileSync(GLOBAL, readFileSync(fleetSshConfig(join(dir, 'ssh_config'), { [W1]: hosts[0]!, [W2]: hosts[1]! })));
    // the workspace: the config the hosts run
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(join(ws, 'nginx.conf'), readFileSync(site.conf));
    writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({
      'nginxDoctor.logSources': [
        { name: 'web1', host: W1, path: site.errorLog },
        { name: 'web2', host: W2, path: site.errorLog },
      ],
    }, null, 2));
    s = await Session.start({ name: 'check-server-hosts', trusted: true, vsixes: [build.vsix], workspace: ws });
  }, { timeout: 20 * 60_000 });

  after(async () => {
    await s?.close();
    build?.remove();
    await Promise.all(hosts.map((h) => h.stop()));
    await site?.stop();
    rmSync(GLOBAL, { force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 60_000 });

  test('"Several hosts...": both hosts ticked, one report with the fleet summary first; Run again', { timeout: 6 * 60_000 }, () =>
    s.step('check-hosts', async () => {
      const page = s.page;
      await openFile(page, 'nginx.conf');
      await until(async () => /nginx/i.test(await page.locator('#status\\.editor\\.mode').innerText({ timeout: 1000 })), 'nginx.conf in the nginx language mode', 60_000);
      await runCommand(page, COMMAND);
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await until(async () => (await rows.allInnerTexts()).some((t) => t.includes('Several hosts')), 'the "Several hosts..." item', 15_000);
      await page.locator('.quick-input-widget input').fill('Several hosts');
      await until(async () => (await rows.first().innerText({ timeout: 1000 })).includes('Several hosts'), 'the pick to be "Several hosts..."', 10_000);
      await page.keyboard.press('Enter');
      // the multi-select: both hosts, ticked
      await until(async () => (await page.locator('.quick-input-widget .quick-input-title').innerText({ timeout: 1000 })).includes('several hosts'), 'the host multi-select', 15_000);
      const hostRows = await rows.allInnerTexts();
      assert.ok(hostRows.some((t) => t.includes(W1)) && hostRows.some((t) => t.includes(W2)), hostRows.join('\n'));
      await until(async () => /2 Selected/.test(await page.locator('.quick-input-widget').innerText({ timeout: 1000 })), 'both hosts ticked ("2 Selected")', 10_000);
      await s.screenshot('check-hosts-pick');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });

      const frame: Frame = await until(async () => {
        for (const f of page.frames()) {
          if (f.isDetached()) continue;
          if (await f.locator('table.checks tr.check').count().catch(() => 0)) return f;
        }
        return undefined;
      }, 'the report', 150_000, 500);
      const summary = frame.locator('tr.check[data-id="fleet-backend"]').filter({ hasText: `127.0.0.1:${site.downPort}` });
      assert.equal(await summary.count(), 1, 'one fleet row for the backend where nothing listens');
      assert.match(await summary.locator('td.found').innerText(), new RegExp(`fails from every host \\(${W1}, ${W2}\\)`));
      for (const h of [W1, W2]) {
        const row = frame.locator('tr.check[data-id="backend-reachable"]').filter({ hasText: `[${h}] backend 127.0.0.1:${site.downPort}` });
        assert.equal(await row.count(), 1, `${h}'s own row`);
        assert.equal(await row.getAttribute('data-status'), 'fail');
      }
      assert.match(await frame.locator('header').innerText(), new RegExp(`2 hosts \\(${W1}, ${W2}\\)`));
      await s.screenshot('check-hosts-report');
      // "Run again" on several hosts runs them again (no --compare: that takes one host's report)
      await frame.locator('button#rerun').click();
      await until(async () => {
        for (const f of page.frames()) if (!f.isDetached() && await f.locator('body[data-run="2"] tr.check[data-id="fleet-backend"]').count().catch(() => 0)) return true;
        return false;
      }, 'the second run\'s report', 150_000, 500);
      assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: '--compare' }).count(), 0, 'no error about --compare');
    }));
});

// "Nginx: Tail Error Logs (All Hosts)" in a real editor (code-server + Chromium) against two real
// sshd "hosts" on 127.0.0.1 and one that never answers. Each host runs its own config (`nginx -T`
// through a per-host nginx on its session PATH): web1 the workspace's, web2 a copy with a line
// added. The view shows every host's lines with a host column and a host filter; web1's 502 links
// to the workspace file, web2's to a read-only copy of its deployed file with a "differs from the
// workspace" note; the status bar counts 502/504 across the fleet and says which host is down.
// The editor's ssh is the system's; the hosts' aliases (unique to this run) are in a file of
// /etc/ssh/ssh_config.d/ while the test runs (the editor resolves PATH from a login shell and ssh
// reads ~/.ssh/config from the passwd entry, so neither can be pointed elsewhere from outside).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { fleetSshConfig, silentHost, type SilentHost } from '../helpers/fleet';
import { nginxBinary } from '../helpers/nginx-oracle';
import { Session, buildExtensions, ensureCodeServer, runCommand, until, type Build } from './harness';

const ROOT_CONF = 'error_log stderr;\npid /tmp/nginx-doctor-e2e-hosts.pid;\nevents {}\nhttp {\n    access_log off;\n    include sites/*.conf;\n}\n';
const SITE = 'server {\n    listen 127.0.0.1:18080;\n    server_name app.test;\n\n    location /api/ {\n        proxy_pass http://127.0.0.1:9/;\n    }\n}\n';
const SITE_CHANGED = 'server {\n    listen 127.0.0.1:18080;\n    server_name app.test;\n    # hot fix on web2 only\n\n    location /api/ {\n        proxy_pass http://127.0.0.1:9/;\n    }\n}\n';
const LINE502 = (host: string): string => `2026/11/22 04:22:29 [error] 31316#31316: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: app.test, request: "GET /api/orders?from=${host} HTTP/1.1", upstream: "http://127.0.0.1:9/orders", host: "app.test"\n`;

const skip = sshdAvailable() ?? (!nginxBinary() ? 'nginx is not installed' : !existsSync('/etc/ssh/ssh_config.d') ? 'no /etc/ssh/ssh_config.d' : false);
/** Host aliases of this run (system-wide while it runs: unique names). */
const W1 = `nd-e2e-${process.pid}-web1`;
const W2 = `nd-e2e-${process.pid}-web2`;
const DEAD = `nd-e2e-${process.pid}-dead`;
const GLOBAL = `/etc/ssh/ssh_config.d/nginx-doctor-e2e-${process.pid}.conf`;
process.on('exit', () => rmSync(GLOBAL, { force: true }));

/** The webview frame of the tail view. */
async function viewFrame(page: Page): Promise<Frame> {
  return until(async () => {
    for (const f of page.frames()) if (await f.locator('#lines[role="log"]').count().catch(() => 0)) return f;
    return undefined;
  }, 'the tail view', 30_000, 300);
}

describe('real editor: the tail view over several SSH hosts', { timeout: 15 * 60_000, skip }, () => {
  let build: Build;
  let dir: string;
  const hosts: Record<string, Sshd> = {};
  let dead: SilentHost;
  let s: Session;

  before(async () => {
    ensureCodeServer();
    build = buildExtensions();
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-hosts-')));
    hosts.web1 = await startSshd();
    hosts.web2 = await startSshd();
    dead = await silentHost();
    const sshConfig = fleetSshConfig(join(dir, 'ssh_config'), { [W1]: hosts.web1, [W2]: hosts.web2 }, { [DEAD]: dead });
    writeFileSync(GLOBAL, readFileSync(sshConfig));
    // each host: its config and an nginx that runs it; its error log
    for (const [name, site] of [['web1', SITE], ['web2', SITE_CHANGED]] as const) {
      const etc = join(hosts[name]!.dir, 'etc-nginx');
      mkdirSync(join(etc, 'sites'), { recursive: true });
      writeFileSync(join(etc, 'nginx.conf'), ROOT_CONF);
      writeFileSync(join(etc, 'sites', 'app.conf'), site);
      writeFileSync(join(hosts[name]!.binDir, 'nginx'), `#!/bin/sh\nexec ${nginxBinary()} "$@" -c ${etc}/nginx.conf\n`, { mode: 0o755 });
      writeFileSync(join(hosts[name]!.dir, 'error.log'), '');
    }
    // the workspace: the config web1 runs, and the three hosts as log sources
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'sites'), { recursive: true });
    mkdirSync(join(ws, '.vscode'));
    writeFileSync(join(ws, 'nginx.conf'), ROOT_CONF);
    writeFileSync(join(ws, 'sites', 'app.conf'), SITE);
    writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({
      'nginxDoctor.logSources': [
        { name: 'web1', host: W1, path: join(hosts.web1.dir, 'error.log') },
        { name: 'web2', host: W2, path: join(hosts.web2.dir, 'error.log') },
        { name: 'dead', host: DEAD, path: '/var/log/nginx/error.log' },
      ],
    }, null, 2));
    s = await Session.start({ name: 'tail-hosts', trusted: true, vsixes: [build.vsix], workspace: ws });
  }, { timeout: 20 * 60_000 });

  after(async () => {
    await s?.close();
    build?.remove();
    await Promise.all(Object.values(hosts).map((h) => h.stop()));
    await dead?.close();
    rmSync(GLOBAL, { force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 60_000 });

  test('one view: host column and filter, per-host links, the silent host down, the fleet rate in the status bar', { timeout: 5 * 60_000 }, () =>
    s.step('tail-hosts', async () => {
      const page = s.page;
      // the palette lists the extension's commands once the extension host has scanned it: reopen until then
      await until(async () => {
        const ok = await runCommand(page, 'Nginx: Tail Error Logs (All Hosts)').then(() => true, () => false);
        if (!ok) await page.keyboard.press('Escape');
        return ok;
      }, 'the command', 150_000, 1000);
      const frame = await viewFrame(page);
      await until(async () => {
        const t = await frame.locator('#states').innerText();
        return t.includes('web1: live') && t.includes('web2: live');
      }, 'web1 and web2 live', 60_000);
      appendFileSync(join(hosts.web1!.dir, 'error.log'), LINE502('web1'));
      appendFileSync(join(hosts.web2!.dir, 'error.log'), LINE502('web2'));
      const row1 = frame.locator('.line.failure', { hasText: 'from=web1' });
      const row2 = frame.locator('.line.failure', { hasText: 'from=web2' });
      await row1.waitFor({ state: 'visible', timeout: 30_000 });
      await row2.waitFor({ state: 'visible', timeout: 30_000 });
      // the host column
      assert.equal(await row1.locator('.host').innerText(), W1);
      assert.equal(await row2.locator('.host').innerText(), W2);
      // web1 runs the workspace's file: the link is the workspace file; web2's is its deployed copy
      assert.match(await row1.locator('a.loc').innerText(), /location \/api\/ \(sites\/app\.conf:5\)$/);
      assert.doesNotMatch(await row1.locator('.detail').innerText(), /differs/);
      assert.match(await row2.locator('a.loc').innerText(), /location \/api\/ \(.*etc-nginx\/sites\/app\.conf:6\)$/);
      assert.ok((await row2.locator('.detail').innerText()).includes(`deployed on ${W2}: differs from the workspace from line 4`));

      // the status bar: 502/504 per minute across the fleet; the silent host down once ssh gives up on it
      const bar = page.locator('.statusbar-item', { hasText: '502/504/min' });
      await until(async () => /502\/504\/min: 2 across 3 hosts \(1 down\)/.test(await bar.innerText({ timeout: 1000 })), 'the fleet counter with the host down', 60_000);
      await until(async () => (await frame.locator('#states').innerText()).includes('dead: reconnecting'), 'the silent host shown as reconnecting', 10_000);
      await s.screenshot('tail-hosts');

      // the host filter
      await frame.locator('#host').selectOption(W2);
      await until(async () => !(await row1.isVisible()) && (await row2.isVisible()), 'only web2 rows', 5_000);
      await s.screenshot('tail-hosts-filtered');
      await frame.locator('#host').selectOption('');
      await until(async () => row1.isVisible(), 'every host again', 5_000);

      // web2's link: the deployed text, read-only, with the note
      await row2.locator('a.loc').click();
      const note = page.locator('.notifications-toasts .notification-toast', { hasText: `as deployed on ${W2} (read-only)` });
      await note.first().waitFor({ state: 'visible', timeout: 20_000 });
      assert.match(await note.first().innerText(), /differs from the workspace from line 4/);
      await until(async () => (await page.locator('#status\\.editor\\.selection').innerText({ timeout: 1000 })).includes('Ln 6,'), 'the cursor on line 6', 15_000);
      await until(async () => (await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText({ timeout: 1000 })).replace(/\u00a0/g, ' ').includes('# hot fix on web2 only'), 'the deployed text', 15_000);
      await s.screenshot('tail-hosts-deployed');

      await runCommand(page, 'Nginx: Stop Tailing');
      await until(async () => (await frame.locator('#states').innerText()).includes('web1: stopped'), 'stopped', 15_000);
    }));
});

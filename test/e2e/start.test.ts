// The `npm start` path (README: `npm install && npm start`), in the real editor: scripts/start.mjs
// is run as npm start runs it (after the build), with code-server (NGINX_DOCTOR_NO_CODE=1), on a
// copy of the demo holding one badly indented file, and its own state folder. Chromium opens the
// URL it prints. Checked through the UI:
//   - the extension is active (nginx.conf's `gzip yes;` problem reaches the Problems panel);
//   - "Format Document" re-indents the file (it once said "Extension 'nginx-doctor' is configured
//     as formatter but it cannot format 'nginx'-files": the unpacked extension's files were links
//     into the repository, so VS Code could not tell which extension registered the formatter);
//   - "Format Document With..." names the formatter "nginx-doctor", not "Null Extension Description".
// Screenshots go to test-artifacts/e2e/start-NN-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/repo';
import { Session, USER_SETTINGS, ensureCodeServer, openFile, runCommand, until, visibleEditorLines, waitForProblems } from './harness';

// Indented by four where it is indented at all, so that VS Code detects a tab size of 4.
const UNFORMATTED = ['server {', 'listen 8080;', '    server_name format.example.com;', '    location / {', 'proxy_pass http://127.0.0.1:3000;', '    }', '}', ''].join('\n');
const FORMATTED = ['server {', '    listen 8080;', '    server_name format.example.com;', '    location / {', '        proxy_pass http://127.0.0.1:3000;', '    }', '}'];

describe('real editor: the npm start path', { timeout: 10 * 60_000 }, () => {
  let s: Session | undefined;
  let server: ChildProcess | undefined;
  let output = '';

  before(async () => {
    ensureCodeServer();
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-e2e-start-')));
    const folder = join(root, 'workspace');
    cpSync(join(REPO, 'demo'), folder, { recursive: true });
    writeFileSync(join(folder, 'format-me.nginx'), UNFORMATTED);
    const state = join(root, 'state');
    mkdirSync(join(state, 'user-data', 'User'), { recursive: true });
    writeFileSync(join(state, 'user-data', 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NGINX_DOCTOR_NO_CODE: '1',
      NGINX_DOCTOR_START_FOLDER: folder,
      NGINX_DOCTOR_START_STATE: state,
    };
    delete env.NGINX_DOCTOR_PORT;
    delete env.VSCODE_IPC_HOOK_CLI;
    server = spawn(process.execPath, [join(REPO, 'scripts', 'start.mjs')], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer): void => {
      output = (output + d.toString()).slice(-50_000);
    };
    server.stdout!.on('data', collect);
    server.stderr!.on('data', collect);
    let exited = '';
    server.on('exit', (code, signal) => (exited = `scripts/start.mjs exited (code ${code}, signal ${signal})`));
    const url = await until(() => {
      if (exited) throw new Error(`${exited}\n${output}`);
      return /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.exec(output)?.[0];
    }, 'scripts/start.mjs to print the URL', 5 * 60_000).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- start.mjs output ---\n${output.slice(-3000)}`);
    });
    s = await Session.attach({ name: 'start', root, server, url, output: () => output });
  }, { timeout: 10 * 60_000 });

  after(async () => {
    if (s) await s.close();
    else if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  });

  test('the extension is active, and Format Document formats with nginx-doctor', async () => {
    const session = s!;
    const page = session.page;
    await session.step('problems', async () => {
      await openFile(page, 'nginx.conf');
      await waitForProblems(page, (t) => t.includes('invalid value "yes" in "gzip" directive'), 'nginx.conf\'s gzip problem in the Problems panel', 90_000);
    });
    await session.step('format', async () => {
      await openFile(page, 'format-me.nginx');
      await session.screenshot('unformatted');
      await runCommand(page, 'Format Document');
      let lines: string[] = [];
      try {
        await until(async () => {
          lines = (await visibleEditorLines(page)).slice(0, FORMATTED.length);
          return JSON.stringify(lines) === JSON.stringify(FORMATTED);
        }, 'the document to be formatted', 20_000);
      } catch (e) {
        const toasts = await page.locator('.notifications-toasts').innerText().catch(() => '');
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- editor ---\n${lines.join('\n')}\n--- notifications ---\n${toasts}`);
      }
      await session.screenshot('formatted');
    });
    await session.step('format-with', async () => {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill('>Format Document With...');
      await until(async () => (await page.locator('.quick-input-list .monaco-list-row').first().innerText({ timeout: 1000 })).includes('Format Document With'), 'the command in the palette', 15_000);
      await page.keyboard.press('Enter');
      const rows = await until(async () => {
        if ((await input.inputValue()).startsWith('>')) return undefined;
        const texts = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        return texts.length ? texts : undefined;
      }, 'the formatter list', 15_000);
      await session.screenshot('format-with');
      await page.keyboard.press('Escape');
      assert.ok(rows.some((r) => r.startsWith('nginx-doctor')), `the formatters offered: ${JSON.stringify(rows)}`);
      assert.ok(!rows.some((r) => r.includes('Null Extension')), `the formatters offered: ${JSON.stringify(rows)}`);
    });
  });
});

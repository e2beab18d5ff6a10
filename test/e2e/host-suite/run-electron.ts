// `npm run test:electron`: runs the in-host suite in a desktop VS Code through @vscode/test-electron,
// for machines that have one (VSCODE_EXECUTABLE=/path/to/code) or can download one. Not part of
// `npm test`: the real-editor tier here is code-server + Chromium (npm run test:e2e).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../../..');

async function main(): Promise<number> {
  // Loaded here so that a missing devDependency gives the message below, not a stack trace.
  const { runTests, downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  let executable = process.env.VSCODE_EXECUTABLE;
  if (executable && !existsSync(executable)) {
    console.error(`test:electron: VSCODE_EXECUTABLE=${executable} does not exist`);
    return 2;
  }
  if (!executable) {
    try {
      executable = await withDeadline(downloadAndUnzipVSCode({ version: 'stable', timeout: 30_000 }), 120_000, 'the VS Code download');
    } catch (e) {
      console.error(
        'test:electron: no VS Code available. Set VSCODE_EXECUTABLE=/path/to/code (a desktop VS Code),\n' +
          'or run where VS Code can be downloaded. On machines without internet use `npm run test:e2e`\n' +
          `(code-server + Chromium). Download error: ${e instanceof Error ? e.message : String(e)}`,
      );
      return 2;
    }
  }
  if (!existsSync(join(REPO, 'dist', 'extension.js'))) {
    console.error('test:electron: dist/extension.js is missing; run "npm run build" first');
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'nginx-doctor-electron-'));
  const workspace = join(work, 'demo');
  cpSync(join(REPO, 'demo'), workspace, { recursive: true });
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: join(__dirname, 'index.js'),
      extensionTestsEnv: { NGINX_DOCTOR_EXPECT_TRUST: 'trusted' },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${join(work, 'user-data')}`,
        `--extensions-dir=${join(work, 'extensions')}`,
      ],
    });
    return 0;
  } catch (e) {
    console.error(`test:electron: the in-host suite failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`test:electron: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(2);
  },
);

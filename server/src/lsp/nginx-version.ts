// Asks the local nginx binary for its version (`nginx -v`), only in trusted workspaces, once per path.
import { execFile } from 'node:child_process';

const cache = new Map<string, Promise<string | null>>();

export function detectNginxVersion(binary: string): Promise<string | null> {
  let p = cache.get(binary);
  if (!p) {
    p = new Promise((resolve) => {
      execFile(binary, ['-v'], { timeout: 3000, windowsHide: true }, (err, stdout, stderr) => {
        if (err && !stderr) return resolve(null);
        const m = /nginx\/(\d+\.\d+\.\d+)/.exec(`${stdout}${stderr}`);
        resolve(m ? m[1]! : null);
      });
    });
    cache.set(binary, p);
  }
  return p;
}

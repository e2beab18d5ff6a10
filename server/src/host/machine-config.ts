// Is a root config the one this machine's nginx runs? Only then does a unix: socket path in it say
// something about this machine (unix-socket-missing): a config is usually edited away from the
// server it runs on. Yes when it lies under nginx's usual config directories or under the
// directory of `nginx -V`'s --conf-path (asked once, only where running programs is allowed).
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const KNOWN = ['/etc/nginx/', '/usr/local/nginx/conf/', '/usr/local/etc/nginx/', '/opt/homebrew/etc/nginx/'];
let confDir: string | null | undefined;

function nginxConfDir(): string | null {
  if (confDir !== undefined) return confDir;
  confDir = null;
  for (const bin of ['/usr/sbin/nginx', 'nginx']) {
    try {
      const out = execFileSync(bin, ['-V'], { timeout: 2000, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      const m = /--conf-path=(\S+)/.exec(out);
      if (m) return (confDir = dirname(m[1]!) + '/');
    } catch (e) {
      const text = String((e as { stderr?: unknown }).stderr ?? '');
      const m = /--conf-path=(\S+)/.exec(text);
      if (m) return (confDir = dirname(m[1]!) + '/');
    }
  }
  return confDir;
}

export function isMachineConfig(root: string, mayRunNginx: boolean): boolean {
  let path = resolve(root);
  try {
    path = realpathSync(path);
  } catch {
    // a missing file is judged by its name
  }
  if (KNOWN.some((k) => path.startsWith(k))) return true;
  const dir = mayRunNginx ? nginxConfDir() : null;
  return !!dir && path.startsWith(dir);
}

// Every unix: backend: the socket exists, something listens on it, and nginx's worker user may
// connect (write on the socket, search on every directory above it).
import type { DoctorCheck } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { placeOf, row, type UserInfo } from '../context';
import type { Backend } from '../targets';

export interface Mode {
  type: string;
  perms: string;
  acl: boolean;
  uid: number;
  gid: number;
}

/** `ls -lndL` output: "srwxrwx--- 1 33 33 0 Nov 22 10:00 /run/x.sock". */
export function parseLs(out: string): Mode | null {
  const m = /^([-a-zA-Z])([-rwxsStT]{9})([.+@]?)\s+\d+\s+(\d+)\s+(\d+)\s/.exec(out);
  return m ? { type: m[1]!, perms: m[2]!, acl: m[3] === '+', uid: Number(m[4]), gid: Number(m[5]) } : null;
}

/** Whether `user` has permission `bit` (0 r, 1 w, 2 x) on a file with this mode. */
export function may(mode: Mode, user: UserInfo, bit: 0 | 1 | 2): boolean {
  if (user.uid === 0) return true;
  const cls = mode.uid === user.uid ? 0 : user.gids.includes(mode.gid) ? 1 : 2;
  const c = mode.perms[cls * 3 + bit]!;
  return bit === 2 ? c === 'x' || c === 's' || c === 't' : c !== '-';
}

export function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}`);
  return out;
}

function socket(ctx: FactsOf<'host' | 'config' | 'probes'>, b: Backend): DoctorCheck {
  const path = b.host;
  const title = `unix socket ${path} (${b.upstream ? `upstream ${b.upstream}` : b.node.d.name}) is there and open to nginx`;
  const loc = placeOf(ctx, b.node);
  const expected = `a listening socket that ${ctx.probes.worker ? `user ${ctx.probes.worker.name}` : 'the nginx worker user'} can write to`;
  const st = ctx.probes.stat.get(path);
  if (!st) return row('unix-socket', title, 'skip', 'not checked', expected, '', loc);
  if (st.rc !== 0) {
    if (/No such file/i.test(st.out)) {
      return row('unix-socket', title, 'fail', 'the socket file does not exist', expected,
        'Start the backend (php-fpm, gunicorn, ...) or correct the path to its "listen" setting. A socket under /tmp is invisible to nginx when either service runs with PrivateTmp=true.', loc);
    }
    return row('unix-socket', title, 'warn', `cannot look at it: ${st.out}`, expected, 'Run the check with --sudo (passwordless sudo) to see the socket.', loc);
  }
  const mode = parseLs(st.out);
  if (!mode) return row('unix-socket', title, 'warn', `unexpected ls output: ${st.out}`, expected, '', loc);
  if (mode.type !== 's') return row('unix-socket', title, 'fail', `${path} exists but is not a socket (type "${mode.type}")`, expected, 'Point the config at the backend\'s socket, not at a regular file.', loc);
  const problems: string[] = [];
  if (!ctx.remote || ctx.facts.unixListening.size) {
    if (!ctx.facts.unixListening.has(path)) problems.push('nothing listens on it (a stale socket file left by a stopped backend)');
  }
  const user = ctx.probes.worker;
  let denied = false;
  if (user) {
    for (const dir of ancestors(path)) {
      const d = ctx.probes.stat.get(dir);
      const dm = d && d.rc === 0 ? parseLs(d.out) : null;
      if (dm && !may(dm, user, 2)) {
        problems.push(`user ${user.name} cannot enter ${dir} (${dm.perms}, owner ${dm.uid}:${dm.gid})`);
        denied = true;
        break;
      }
    }
    if (!denied && !may(mode, user, 1)) {
      problems.push(`user ${user.name} (uid ${user.uid}) cannot write to it (${mode.perms}, owner ${mode.uid}:${mode.gid})`);
      denied = true;
    }
  }
  if (!problems.length) {
    return row('unix-socket', title, 'pass', `socket ${mode.perms} ${mode.uid}:${mode.gid}, listening${user ? `, writable by ${user.name}` : ''}${mode.acl ? ' (has an ACL: not evaluated)' : ''}`, expected, '', loc);
  }
  const advice = denied
    ? `Let the backend create the socket for nginx's user: php-fpm "listen.owner = ${user?.name ?? 'www-data'}" / "listen.group", gunicorn --umask, or add ${user?.name ?? 'the worker user'} to the socket's group. nginx logs "(13: Permission denied) while connecting to upstream".`
    : 'Restart the backend so it creates the socket again, and check its own log for why it stopped.';
  return row('unix-socket', title, 'fail', problems.join('; '), expected, advice, loc);
}

export const unixSocket = check({
  id: 'unix-socket',
  title: 'each unix socket backend is there and open to nginx',
  needs: ['host', 'config', 'backend', 'probes'],
  run: (f) => (f.backend?.kind === 'unix' ? [socket(f, f.backend)] : []),
});

// Is nginx installed, and is it running (master + workers, and what systemd says)?
import type { DoctorCheck } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { row } from '../context';
import { describeInstance } from '../instances';

const INSTALLED = 'nginx is installed';
const RUNNING = 'nginx is running';

function installed(ctx: FactsOf<'host'>): DoctorCheck {
  const f = ctx.facts;
  const title = INSTALLED;
  if (f.nginxPath && !f.nginxExists) {
    return row('nginx-installed', title, 'fail', `no nginx at ${f.nginxPath} on ${ctx.hostLabel}`, 'an nginx binary',
      'Install nginx there, or give the path of the installed one (--nginx PATH; VS Code: nginxDoctor.nginxPath).');
  }
  if (!f.nginxPath) {
    return row('nginx-installed', title, 'fail', `no nginx program on ${ctx.hostLabel} (searched PATH, /usr/sbin, /usr/local/sbin, /usr/local/nginx/sbin)`, 'an nginx binary',
      'Install nginx (Debian/Ubuntu: apt install nginx), or give its path with --nginx PATH (VS Code: nginxDoctor.nginxPath).');
  }
  if (!f.nginxV) {
    return row('nginx-installed', title, 'fail', `${f.nginxPath} exists but is not an executable file`, 'an nginx binary that runs', `Check ${f.nginxPath} (ls -l; file).`);
  }
  if (!f.version) {
    return row('nginx-installed', title, 'warn', `${f.nginxPath} -V printed no version: ${firstLine(f.nginxV)}`, 'nginx version: nginx/X.Y.Z', `Run "${f.nginxPath} -V" on the host and check the binary.`);
  }
  return row('nginx-installed', title, 'pass', `nginx ${f.version} at ${f.nginxPath}`, 'an nginx binary', '');
}

function running(ctx: FactsOf<'host' | 'deployed'>): DoctorCheck {
  const f = ctx.facts;
  const conf = ctx.nginxConf;
  const title = RUNNING;
  let masters = f.processes.filter((p) => p.role === 'master');
  if (conf) {
    const mine = masters.filter((p) => p.cmdline.includes(conf));
    if (mine.length) masters = mine;
  }
  const workers = f.processes.filter((p) => p.role === 'worker' && masters.some((m) => m.pid === p.ppid));
  const sd = f.systemd;
  const unit = sd && sd.get('LoadState') === 'loaded' ? `; systemd: nginx.service ${sd.get('ActiveState') ?? '?'} (${sd.get('SubState') ?? '?'}${sd.get('Result') && sd.get('Result') !== 'success' ? `, result ${sd.get('Result')}` : ''})` : '';
  if (!masters.length) {
    const why = sd && sd.get('ActiveState') === 'failed' && f.systemdStatus ? ` Last lines of systemctl status: ${lastLines(f.systemdStatus, 3)}` : '';
    return row('nginx-running', title, 'fail', `no nginx master process${unit}`, 'one nginx master process with its workers',
      `Start it (systemctl start nginx, or nginx) and read why it stopped: journalctl -u nginx -n 50, and the error log.${why}`);
  }
  const found = `master pid ${masters.map((m) => m.pid).join(', ')}, ${workers.length} worker(s)${unit}${several(ctx)}`;
  const running = ctx.instances.filter((i) => i.pid !== null);
  const sameConfig = running.length > 1 && new Set(running.map((i) => `${i.prefix}|${i.conf}|${i.globals}`)).size < running.length;
  if (masters.length > 1 && (running.length < 2 || sameConfig)) {
    return row('nginx-running', title, 'warn', found, 'one nginx master process',
      'Several nginx masters run: one may hold the ports with an old config (a failed upgrade or a second instance). Compare their command lines with "ps -fC nginx".');
  }
  if (!workers.length) {
    return row('nginx-running', title, 'fail', found, 'worker processes under the master', 'The master has no workers: they may crash at start (see the error log for "exited on signal").');
  }
  if (sd && sd.get('LoadState') === 'loaded' && sd.get('ActiveState') !== 'active') {
    return row('nginx-running', title, 'warn', found, 'nginx.service active', 'nginx runs outside systemd\'s control (started by hand?): "systemctl restart nginx" would start a second one that cannot bind the ports.');
  }
  return row('nginx-running', title, 'pass', found, 'one nginx master process with its workers', '');
}

/** "; 2 instances: pid 100: /etc/nginx/nginx.conf (nginx -V), pid 200: /srv/p/nginx.conf (-c ...)" */
function several(ctx: FactsOf<'deployed'>): string {
  const running = ctx.instances.filter((i) => i.pid !== null);
  return running.length > 1 ? `; ${running.length} instances, each checked: ${running.map(describeInstance).join('; ')}` : '';
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

function lastLines(s: string, n: number): string {
  return s.trim().split('\n').slice(-n).map((l) => l.trim()).join(' | ');
}

export const nginxInstalled = check({
  id: 'nginx-installed',
  title: INSTALLED,
  needs: ['host'],
  run: (f) => [installed(f)],
});

export const nginxRunning = check({
  id: 'nginx-running',
  title: RUNNING,
  needs: ['host', 'deployed'],
  run: (f) => [running(f)],
});

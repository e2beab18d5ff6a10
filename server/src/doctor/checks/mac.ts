// Mandatory access control: SELinux (mode, httpd_can_network_connect) and AppArmor (the mode of
// the profile nginx runs under, read from /proc/PID/attr/current).
import type { DoctorCheck } from '../../protocol/protocol';
import { isLocalAddress } from '../facts';
import { check, type FactsOf } from '../check';
import { row } from '../context';
import type { LogSummary } from '../logs';

const SELINUX = 'SELinux lets nginx connect to its backends';
const APPARMOR = 'AppArmor does not confine nginx\'s connections';

function selinuxRow(ctx: FactsOf<'host' | 'backends'>, deniedInLog: boolean): DoctorCheck {
  const f = ctx.facts;
  const title = SELINUX;
  const expected = 'disabled, permissive, or httpd_can_network_connect on';
  if (!f.selinux) return row('selinux', title, 'skip', 'SELinux is not installed (no getenforce)', expected, '');
  const mode = f.selinux.trim();
  if (!/^Enforcing$/i.test(mode)) return row('selinux', title, 'pass', `SELinux ${mode}`, expected, '');
  const on = f.selinuxBool ? /-->\s*on/.test(f.selinuxBool) : null;
  const remoteTcp = ctx.backends.some((b) => b.kind === 'tcp' && !(isLocalAddress(ctx.facts, b.host) && [80, 81, 443, 488, 8008, 8009, 8443, 9000].includes(b.port)));
  if (on === false && (remoteTcp || deniedInLog)) {
    return row('selinux', title, 'fail', `SELinux Enforcing, httpd_can_network_connect off${deniedInLog ? '; the error log shows "Permission denied" connecting upstream' : ''}`, expected,
      'nginx (httpd_t) may not open connections to other ports: "setsebool -P httpd_can_network_connect 1", or label the port (semanage port -a -t http_port_t -p tcp PORT). Denials: ausearch -m avc -ts recent.');
  }
  return row('selinux', title, on === null ? 'warn' : 'pass', `SELinux Enforcing, httpd_can_network_connect ${on === null ? 'unknown (no getsebool)' : on ? 'on' : 'off'}`, expected,
    on === null ? 'Check "getsebool httpd_can_network_connect" on the host.' : '');
}

function apparmorRow(ctx: FactsOf<'host'>, deniedInLog: boolean): DoctorCheck {
  const f = ctx.facts;
  const title = APPARMOR;
  const expected = 'nginx unconfined, or a profile in complain mode';
  if (!f.apparmor) return row('apparmor', title, 'skip', 'AppArmor is not enabled in the kernel', expected, '');
  if (!/^Y/i.test(f.apparmor)) return row('apparmor', title, 'pass', 'AppArmor is disabled', expected, '');
  const procs = f.processes.filter((p) => p.role === 'master' || p.role === 'worker');
  if (!procs.length) return row('apparmor', title, 'skip', 'AppArmor enabled; nginx is not running, so its profile is unknown', expected, '');
  const labels = [...new Set(procs.map((p) => p.label || 'unknown'))];
  const enforced = labels.filter((l) => /\(enforce\)/.test(l));
  if (!enforced.length) return row('apparmor', title, 'pass', `nginx runs ${labels.join(', ')}`, expected, '');
  return row('apparmor', title, deniedInLog ? 'fail' : 'warn', `nginx runs under ${enforced.join(', ')}${deniedInLog ? '; the error log shows "Permission denied" connecting upstream' : ''}`, expected,
    'An enforcing profile must allow the backend sockets and files: look for denials with "journalctl -k | grep apparmor=\\"DENIED\\"", then extend the profile (aa-logprof) or set it to complain (aa-complain).');
}

/** Whether an error log shows nginx refused a connection by the kernel (EACCES connecting upstream). */
function deniedIn(logs: LogSummary[]): boolean {
  return logs.some((s) => s.failures.some((x) => x.cause.id === 'upstream-permission-denied'));
}

export const selinux = check({
  id: 'selinux',
  title: SELINUX,
  needs: ['host', 'backends', 'logs'],
  run: (f) => [selinuxRow(f, deniedIn(f.logs))],
});

export const apparmor = check({
  id: 'apparmor',
  title: APPARMOR,
  needs: ['host', 'logs'],
  run: (f) => [apparmorRow(f, deniedIn(f.logs))],
});

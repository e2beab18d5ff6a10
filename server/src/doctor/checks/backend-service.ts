// A failed backend that the user mapped to a machine and a systemd unit: is that unit running
// there (`systemctl is-active UNIT` on the backend's machine, phase 3)? One row per mapped failed
// backend; the machine's SSH failure is reported here once (the other backend-host rows are then
// left out).
import type { DoctorCheck } from '../../protocol/protocol';
import { check } from '../check';
import { placeOf, row } from '../context';
import { hopKey } from '../backend-hosts';
import { addrText } from './backend-reachable';

const ID = 'backend-service';

/** What `systemctl is-active` prints (one word; systemctl(1)) -> status and words. */
export function unitState(text: string): { status: DoctorCheck['status']; words: string } {
  const state = text.trim().split('\n')[0]!.trim();
  switch (state) {
    case 'active': return { status: 'pass', words: 'active (running)' };
    case 'reloading': case 'refreshing': return { status: 'warn', words: `${state} (running, being reloaded)` };
    case 'activating': return { status: 'warn', words: 'activating (still starting, or restarting in a loop)' };
    case 'inactive': return { status: 'fail', words: 'inactive (stopped, or no such unit)' };
    case 'failed': return { status: 'fail', words: 'failed (it exited with an error or was killed)' };
    case 'deactivating': return { status: 'fail', words: 'deactivating (stopping)' };
    case 'maintenance': return { status: 'fail', words: 'in maintenance' };
    default: return { status: 'warn', words: `unknown: systemctl is-active printed "${state.slice(0, 200)}"` };
  }
}

export const backendService = check({
  id: ID,
  title: "a failed backend's systemd unit runs on its machine",
  needs: ['config', 'backend', 'backendHosts'],
  run: (f) => {
    const b = f.backend;
    const hop = b && f.hops.get(hopKey(b));
    if (!b || !hop) return [];
    const { unit } = hop.mapping;
    const title = `backend ${addrText(b)}: service ${unit} on ${hop.hostLabel}`;
    const expected = `${unit} active`;
    const loc = placeOf(f, b.node);
    if (!hop.result.ok) {
      const fail = hop.result.failure;
      return [row(ID, title, 'warn', `cannot run the checks on ${hop.hostLabel}: ${fail.message}`, expected, fail.fix ?? `Check that "ssh ${hop.hostLabel} true" works without a password.`, loc)];
    }
    const h = hop.result.facts;
    if (!h.systemctl) return [row(ID, title, 'skip', `systemctl is not installed on ${hop.hostLabel}: cannot ask systemd about ${unit}`, expected, 'Without systemd, check the service with the tool that runs it (supervisorctl status, docker ps ...).', loc)];
    if (!h.booted) return [row(ID, title, 'skip', `systemd is not running on ${hop.hostLabel} (no /run/systemd/system: a container, or another init): cannot ask for ${unit}`, expected, 'Check the service with the tool that runs it on that machine.', loc)];
    const a = h.units.get(unit)?.active;
    if (!a) return [row(ID, title, 'skip', 'not asked', expected, '', loc)];
    const s = unitState(a.text);
    const advice = s.status === 'pass'
      ? `The service runs: if nothing listens on port ${b.port} (next row), it listens elsewhere; if it does, something between nginx and ${hop.hostLabel} refuses or drops the connection (a firewall).`
      : `Read why in its journal (below), then start it: sudo systemctl start ${unit} (on ${hop.hostLabel}).`;
    return [row(ID, title, s.status, `${unit} is ${s.words}`, expected, advice, loc)];
  },
});

// Whether the checks could run at all: the session that gathers the facts (SSH, sudo, sh), and the
// second one that probes backends. Only failures give a row; without phase 1 it is the only row.
import { check } from '../check';
import { row } from '../context';

export const connection = check({
  id: 'connection',
  title: 'the checks can run on the host (SSH, sudo, a shell)',
  needs: ['session'],
  run: (f) => f.failures.map((x) => (x.phase === 1
    ? row('connection', f.ssh ? `connect to ${f.ssh} over SSH` : 'run the checks on this machine', 'fail', x.message, f.ssh ? 'an SSH session that runs sh' : 'a POSIX shell (sh)', x.fix)
    : row('connection', `probe backends from ${f.hostLabel}`, 'fail', x.message, 'a second session for the probes', x.fix))),
});

// The last N lines of each error log on the host (the "logs" fact, logs.ts): upstream failures
// counted by cause and by the location that produced them (location-settings.ts shows the settings
// behind each).
import type { CauseId } from '../../core/index';
import type { DoctorCheck } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { placeOf, row, shortName } from '../context';
import type { LogSummary } from '../logs';

const RECENT_MINUTES = 15;

function errorLogRow(ctx: FactsOf<'host' | 'config' | 'logs'>, s: LogSummary): DoctorCheck {
  const r = s.read;
  const title = `recent upstream failures in ${r.path}`;
  const expected = `no 502/504 causes in the last ${ctx.logLines} lines`;
  if (r.state === 'missing') {
    return row('error-log', title, 'warn', 'the log file does not exist', expected, 'Check the error_log path in the config (and the one compiled in: nginx -V, --error-log-path).');
  }
  if (r.state === 'denied') {
    return row('error-log', title, 'warn', `${ctx.hostLabel === 'this machine' ? 'this user' : 'the SSH user'} cannot read the log`, expected,
      'Give read access: on Debian/Ubuntu nginx logs belong to the adm group ("usermod -aG adm USER", then log in again), or run with --sudo (passwordless sudo only).');
  }
  if (r.state !== 'ok') return row('error-log', title, 'warn', `cannot read the log (${r.state})`, expected, '');
  if (s.since && !s.failures.length) return row('error-log', title, 'pass', `no upstream failures since the previous run (${s.since}): ${s.lines} new log entries`, `no 502/504 causes since ${s.since}`, '');
  if (!s.lines) return row('error-log', title, 'skip', 'the log is empty: nothing to judge', expected, 'nginx has written nothing there yet (or the log was just rotated).');
  if (!s.failures.length) return row('error-log', title, 'pass', `no upstream failures in the last ${s.lines} log entries`, expected, '');
  const byCause = new Map<CauseId, number>();
  for (const x of s.failures) byCause.set(x.cause.id, (byCause.get(x.cause.id) ?? 0) + 1);
  const causes = [...byCause.entries()].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${n}x ${id}`).join(', ');
  const where = s.places.slice(0, 3).map((p) => `${p.count}x ${p.label}${p.node ? ` (${shortName(ctx, p.node.file.source.path)})` : ''}`).join('; ');
  const age = s.newestMinutesAgo === null ? '' : s.newestMinutesAgo === 0 ? ', newest less than a minute ago' : `, newest ${s.newestMinutesAgo} min ago`;
  const recent = s.newestMinutesAgo !== null && s.newestMinutesAgo <= RECENT_MINUTES;
  const top = s.places[0]!;
  const topCause = [...top.causes.values()].sort((a, b) => b.count - a.count)[0]!;
  const c = row('error-log', title, recent ? 'fail' : 'warn',
    `${s.failures.length} upstream failure(s) in the last ${s.lines} entries${s.since ? ` (since the previous run, ${s.since})` : ''}${age}: ${causes}. Where: ${where}`, expected,
    `Most frequent: ${topCause.title}${topCause.status ? ` (${topCause.status})` : ''}. ${topCause.checks.slice(0, 2).join('; ')}. "Explain" on these lines gives each one's cause and fix.`,
    top.node ? placeOf(ctx, top.node) : null);
  c.logLines = s.failures.slice(-20).map((x) => x.entry.raw);
  return c;
}

export const errorLog = check({
  id: 'error-log',
  title: 'no recent upstream failures in the error logs',
  needs: ['host', 'config', 'logs'],
  run: (f) => f.logs.map((s) => errorLogRow(f, s)),
});

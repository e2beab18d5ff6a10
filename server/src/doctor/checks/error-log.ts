// The last N lines of each error log on the host (the "logs" fact, logs.ts): upstream failures
// counted by cause and by the location that produced them. Then, for the locations with failures,
// the timeouts and buffer sizes in effect there.
import { causeById, effectiveUpstreamSetting, passNodesIn, type CauseId, type ConfigNode } from '../../core/index';
import type { DoctorCheck } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { placeOf, row, shortName } from '../context';
import type { LogSummary, PlaceFailures } from '../logs';

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
    `${s.failures.length} upstream failure(s) in the last ${s.lines} entries${age}: ${causes}. Where: ${where}`, expected,
    `Most frequent: ${topCause.title}${topCause.status ? ` (${topCause.status})` : ''}. ${topCause.checks.slice(0, 2).join('; ')}. "Explain" on these lines gives each one's cause and fix.`,
    top.node ? placeOf(ctx, top.node) : null);
  c.logLines = s.failures.slice(-20).map((x) => x.entry.raw);
  return c;
}

// What to look at per cause, and the timeouts/buffers shown for a failing location (values or the
// catalog's defaults, core/upstream/settings.ts).
const SETTINGS = ['connect_timeout', 'read_timeout', 'send_timeout', 'buffer_size', 'buffers'];

function locationSettingsRow(ctx: FactsOf<'config'>, p: PlaceFailures): DoctorCheck {
  const title = `timeouts and buffers of ${p.label}${p.node ? ` (${shortName(ctx, p.node.file.source.path)})` : ''}`;
  const node = p.node!;
  const model = ctx.model!;
  const mod = passNodesIn(node)[0]?.target.module ?? 'proxy';
  const prefix = `${mod}_`;
  const values: string[] = [];
  let related: { name: string; value: string; node: ConfigNode | null } | null = null;
  // the limits these failures hit when set too low (a field of each cause)
  const wanted = new Set([...p.causes.keys()].map((id) => causeById(id).limit).filter((x): x is string => !!x));
  for (const suffix of SETTINGS) {
    if (mod === 'memcached' && !suffix.endsWith('timeout')) continue;
    const s = effectiveUpstreamSetting(model, node, `proxy_${suffix}`, mod);
    if (!s) continue;
    const name = s.name;
    const n = s.nodes[s.nodes.length - 1] ?? null;
    const value = n ? n.d.args.map((a) => a.value).join(' ') : `${s.default ?? '(none)'} (default)`;
    values.push(`${name} ${value}`);
    if (wanted.has(`proxy_${suffix}`) && !related) related = { name, value, node: n };
  }
  const causes = [...p.causes.entries()].map(([id, c]) => `${c.count}x ${id}`).join(', ');
  if (!related) {
    return row('location-settings', title, 'pass', `${values.join('; ')} (failures here: ${causes})`, 'settings that fit the failures', 'These failures do not depend on timeouts or buffer sizes.', placeOf(ctx, node));
  }
  const advice = related.name.endsWith('buffer_size')
    ? `Raise ${related.name} (e.g. 16k) so the backend's response headers (large cookies) fit; keep ${prefix}buffers and ${prefix}busy_buffers_size consistent with it.`
    : related.name.endsWith('read_timeout')
      ? `The backend took longer than ${related.value.replace(' (default)', '')} to answer (or a WebSocket was idle that long). Raise ${related.name} for this location only if slow answers are expected; otherwise find the slow backend.`
      : `Raise ${related.name} only if the backend is really that slow; timeouts connecting usually mean the backend is down or firewalled.`;
  return row('location-settings', title, 'warn', `${values.join('; ')} (failures here: ${causes})`, `${related.name} that fits the backend`, advice, related.node ? placeOf(ctx, related.node) : placeOf(ctx, node));
}

export const errorLog = check({
  id: 'error-log',
  title: 'no recent upstream failures in the error logs',
  needs: ['host', 'config', 'logs'],
  run: (f) => f.logs.map((s) => errorLogRow(f, s)),
});

export const locationSettings = check({
  id: 'location-settings',
  title: 'timeouts and buffers fit the failures of a location',
  needs: ['config', 'logs'],
  // the five places with most failures in each log, when they are locations
  run: (f) => f.logs.flatMap((s) => s.places.slice(0, 5).filter((p) => p.node && p.node.body === 'location' && f.model).map((p) => locationSettingsRow(f, p))),
});

// The last N lines of each error log on the host, read with the same parser and linker as
// `explain`: upstream failures counted by cause and by the location that produced them. Then,
// for the locations with failures, the timeouts and buffer sizes in effect there.
import { Explainer, LogReader, Matcher, causeById, effectiveUpstreamSetting, isUpstreamFailure, logFormatsFromConfig, passNodesIn, type CauseId, type ConfigNode, type Explanation } from '../../core/index';
import type { DoctorCheck } from '../../protocol/protocol';
import { placeOf, row, shortName, type DoctorContext, type LogRead } from '../context';

export interface PlaceFailures {
  key: string;
  label: string;
  node: ConfigNode | null;
  count: number;
  causes: Map<CauseId, { count: number; title: string; status: number | null; checks: readonly string[] }>;
  lines: string[];
}

export interface LogSummary {
  read: LogRead;
  lines: number;
  failures: Explanation[];
  places: PlaceFailures[];
  newestMinutesAgo: number | null;
}

/** "2026/11/22 10:00:00" -> minutes since the epoch (as if UTC; only differences matter). */
function minutes(t: string | null): number | null {
  const m = t ? /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/.exec(t) : null;
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 60_000 : null;
}

export function summarise(ctx: DoctorContext, read: LogRead, explainer: Explainer | null): LogSummary {
  const reader = new LogReader(ctx.config ? { formats: logFormatsFromConfig(ctx.config) } : {});
  const entries = [];
  const text = read.text.endsWith('\n') ? read.text.slice(0, -1) : read.text;
  if (text) for (const line of text.split('\n')) entries.push(...reader.push(line.endsWith('\r') ? line.slice(0, -1) : line));
  entries.push(...reader.end());
  const failures: Explanation[] = [];
  const places = new Map<string, PlaceFailures>();
  const now = minutes(ctx.facts.date);
  let newest: number | null = null;
  for (const e of entries) {
    if (!explainer || !isUpstreamFailure(e)) continue;
    const x = explainer.explain(e);
    failures.push(x);
    const t = minutes(x.time);
    if (t !== null && now !== null) newest = newest === null ? now - t : Math.min(newest, now - t);
    const node = x.location?.node ?? x.server?.node ?? null;
    const key = node ? `${node.file.source.path}:${node.d.start}` : '-';
    let p = places.get(key);
    if (!p) {
      const label = x.location ? `location ${x.location.modifier ? `${x.location.modifier} ` : ''}${x.location.name}` : x.server ? `server ${x.server.loggedName || '""'}` : 'no location found';
      p = { key, label, node, count: 0, causes: new Map(), lines: [] };
      places.set(key, p);
    }
    p.count++;
    const c = p.causes.get(x.cause.id);
    if (c) c.count++;
    else p.causes.set(x.cause.id, { count: 1, title: x.cause.title, status: x.status, checks: x.cause.checks });
    if (p.lines.length < 20) p.lines.push(x.entry.raw);
  }
  return { read, lines: entries.length, failures, places: [...places.values()].sort((a, b) => b.count - a.count), newestMinutesAgo: newest === null ? null : Math.max(0, Math.round(newest)) };
}

export function makeExplainer(ctx: DoctorContext): Explainer | null {
  return ctx.config ? new Explainer(new Matcher(ctx.config, ctx.facts.hostname ? { hostname: ctx.facts.hostname } : {})) : null;
}

const RECENT_MINUTES = 15;

export function errorLog(ctx: DoctorContext, s: LogSummary): DoctorCheck {
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

export function failingLocationSettings(ctx: DoctorContext, p: PlaceFailures): DoctorCheck {
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

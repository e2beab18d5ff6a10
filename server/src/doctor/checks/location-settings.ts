// Every location with upstream failures in the error logs, grouped by cause (the cause with most
// failures first, then its locations by count): one row per cause and location, with the effective
// settings that matter for that cause (cause-settings.ts) and the line that sets each, or nginx's
// default for the host's version — the same rows as `nginx-doctor settings`.
import { blockSettings, causeById, lineOf, parseVersion, passNodesIn, upstreamDirective, type CauseId, type ConfigNode, type Model, type SettingRow } from '../../core/index';
import type { DoctorCheck, DoctorSetting } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { groupsFor, namedSettings } from '../cause-settings';
import { placeOf, row, shortName } from '../context';
import type { LogSummary, PlaceFailures } from '../logs';

const TITLE = 'the settings behind each failing location';

interface Entry {
  cause: CauseId;
  place: PlaceFailures;
  count: number;
}

/** The places of every log with their failures by cause, a place seen in two logs counted once. */
export function failingLocations(logs: readonly LogSummary[]): { cause: CauseId; total: number; entries: Entry[] }[] {
  const places = new Map<string, PlaceFailures>();
  const counts = new Map<string, Map<CauseId, number>>();
  for (const s of logs) for (const p of s.places) {
    if (!p.node || p.node.body !== 'location') continue;
    if (!places.has(p.key)) places.set(p.key, p);
    const m = counts.get(p.key) ?? new Map<CauseId, number>();
    for (const [id, c] of p.causes) m.set(id, (m.get(id) ?? 0) + c.count);
    counts.set(p.key, m);
  }
  const byCause = new Map<CauseId, Entry[]>();
  for (const [key, m] of counts) for (const [cause, count] of m) {
    const list = byCause.get(cause) ?? [];
    list.push({ cause, place: places.get(key)!, count });
    byCause.set(cause, list);
  }
  return [...byCause.entries()]
    .map(([cause, entries]) => ({ cause, total: entries.reduce((a, e) => a + e.count, 0), entries: entries.sort((a, b) => b.count - a.count) }))
    .sort((a, b) => b.total - a.total || a.cause.localeCompare(b.cause));
}

/** The rows of the settings report that matter for a cause at a location. */
function relevantRows(model: Model, node: ConfigNode, cause: CauseId, version: ReturnType<typeof parseVersion>): { rows: SettingRow[]; module: string } | null {
  const pass = passNodesIn(node)[0];
  if (!pass) return null;
  const bs = blockSettings(model, pass.node, { version });
  const groups = groupsFor(cause);
  const named = new Set(namedSettings(cause).map((n) => upstreamDirective(n, bs.module)));
  // the *_pass line first: where the requests went
  const passRow: SettingRow = { group: 'protocol', name: pass.node.d.name, value: pass.node.d.args.map((a) => a.value).join(' '), node: pass.node, level: bs.block === bs.location ? 'location' : 'if' };
  const rows = [passRow, ...bs.rows.filter((r) => groups.includes(r.group) || named.has(r.name))];
  // settings the cause names that are no upstream setting (resolver, resolver_timeout)
  for (const name of named) {
    if (rows.some((r) => r.name === name) || bs.rows.some((r) => r.name === name)) continue;
    const n = model.effective(pass.node.parent, name).nodes.at(-1) ?? null;
    rows.push(n ? { group: 'timeouts', name, value: n.d.args.map((a) => a.value).join(' '), node: n, level: 'location' } : { group: 'timeouts', name, value: '(not set)', node: null, level: 'default' });
  }
  return { rows, module: bs.module };
}

function settingJson(ctx: FactsOf<'config'>, r: SettingRow): DoctorSetting {
  const at = r.node ? placeOf(ctx, r.node) : null;
  return { name: r.name, value: r.value, file: at?.file ?? null, line: at?.line ?? null, level: r.level, default: !r.node };
}

function entryRow(ctx: FactsOf<'host' | 'config'>, e: Entry): DoctorCheck {
  const node = e.place.node!;
  const title = `${e.count}x ${e.cause} at ${e.place.label} (${shortName(ctx, node.file.source.path)}:${lineOf(node)})`;
  const cause = causeById(e.cause);
  const rel = relevantRows(ctx.model!, node, e.cause, ctx.facts.version ? parseVersion(ctx.facts.version) : null);
  if (!rel) {
    const r = row('location-settings', title, 'skip', 'no proxy_pass, fastcgi_pass, grpc_pass, uwsgi_pass, scgi_pass or memcached_pass in this location: nothing to show', 'the settings of the block that made the attempt', '', placeOf(ctx, node));
    return { ...r, cause: e.cause, failures: e.count, settings: [] };
  }
  const text = rel.rows.map((r) => `${r.name} ${r.value} (${r.node ? `${shortName(ctx, r.node.file.source.path)}:${lineOf(r.node)}, ${r.level}` : 'default'})`).join('; ');
  const limit = cause.limit ? upstreamDirective(cause.limit, rel.module as never) : null;
  const lim = limit ? rel.rows.find((r) => r.name === limit) ?? null : null;
  let status: DoctorCheck['status'] = 'pass';
  let advice = `${cause.title}: not a matter of these settings. ${cause.checks.slice(0, 2).join('; ')}.`;
  if (lim) {
    status = 'warn';
    const v = lim.value.replace(/ \(default\)$/, '');
    advice = lim.name.endsWith('buffer_size')
      ? `Raise ${lim.name} (now ${v}; e.g. 16k) so the backend's response headers (large cookies) fit; keep ${rel.module}_buffers and ${rel.module}_busy_buffers_size consistent with it.`
      : lim.name.endsWith('read_timeout')
        ? `The backend took longer than ${v} to answer (or a WebSocket was idle that long). Raise ${lim.name} for this location only if slow answers are expected; otherwise find the slow backend.`
        : `Raise ${lim.name} (now ${v}) only if the backend is really that slow; timeouts connecting usually mean the backend is down or firewalled.`;
  }
  const r = row('location-settings', title, status, text || '(no settings apply)', `settings that fit ${cause.title}`, advice, lim?.node ? placeOf(ctx, lim.node) : placeOf(ctx, node));
  return { ...r, cause: e.cause, failures: e.count, settings: rel.rows.map((x) => settingJson(ctx, x)), logLines: e.place.lines.slice(0, 5) };
}

export const locationSettings = check({
  id: 'location-settings',
  title: TITLE,
  needs: ['host', 'config', 'logs'],
  run: (f) => (f.model ? failingLocations(f.logs).flatMap((g) => g.entries.map((e) => entryRow(f, e))) : []),
});

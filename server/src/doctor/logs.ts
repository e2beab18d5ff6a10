// The error logs read on the host (phase 2), parsed with the same reader and linked with the same
// Explainer as `explain`: upstream failures counted by cause and by the location that produced
// them. The "logs" fact of the checks.
import { Explainer, LogReader, Matcher, RequestHistory, isUpstreamFailure, logFormatsFromConfig, type CauseId, type ConfigNode, type ConfigSet, type Explanation } from '../core/index';
import type { LogRead } from './context';

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
  /** Entries before this host time were left out (a previous run's, with --compare). */
  since: string | null;
}

/** "2026/11/22 10:00:00" -> minutes since the epoch (as if UTC; only differences matter). */
function minutes(t: string | null): number | null {
  const m = t ? /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/.exec(t) : null;
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 60_000 : null;
}

/**
 * since: the host's clock at a previous run ("YYYY/MM/DD HH:MM:SS"): only entries written from then
 * on count (after a fix and a reload, the old failures are still in the log).
 */
export function summarise(config: ConfigSet | null, hostDate: string | null, read: LogRead, explainer: Explainer | null, since: string | null = null): LogSummary {
  const reader = new LogReader(config ? { formats: logFormatsFromConfig(config) } : {});
  const all = [];
  const text = read.text.endsWith('\n') ? read.text.slice(0, -1) : read.text;
  if (text) for (const line of text.split('\n')) all.push(...reader.push(line.endsWith('\r') ? line.slice(0, -1) : line));
  all.push(...reader.end());
  const entries = since ? all.filter((e) => !(typeof e.time === 'string' && /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/.test(e.time) && e.time <= since)) : all;
  const failures: Explanation[] = [];
  const places = new Map<string, PlaceFailures>();
  const now = minutes(hostDate);
  let newest: number | null = null;
  // the lines of one request told apart by their order (error_page chains), as in `explain`
  const history = new RequestHistory();
  for (const e of entries) {
    if (!explainer || !isUpstreamFailure(e)) continue;
    const x = explainer.explain(e, history);
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
  return { read, lines: entries.length, failures, places: [...places.values()].sort((a, b) => b.count - a.count), newestMinutesAgo: newest === null ? null : Math.max(0, Math.round(newest)), since };
}

export function makeExplainer(config: ConfigSet | null, hostname: string | null): Explainer | null {
  return config ? new Explainer(new Matcher(config, hostname ? { hostname } : {})) : null;
}

/** Every log read, summarised (one Explainer for all). */
export function summariseLogs(config: ConfigSet | null, hostDate: string | null, hostname: string | null, reads: LogRead[], since: string | null = null): LogSummary[] {
  const explainer = makeExplainer(config, hostname);
  return reads.map((read) => summarise(config, hostDate, read, explainer, since));
}

// "Run again" (--compare PREVIOUS.json): the rows of this run against a previous report of the
// same host. A row is the same check when its id and its title (without a leading failure count)
// match. Rows that failed or warned before and pass now — or are gone because their location had
// no failures since the previous run — are "fixed"; the report keeps its shape, with `previous` on
// each row and a `compare` summary.
import type { DoctorCheck, DoctorComparison, DoctorReport } from '../protocol/protocol';

const bad = (s: DoctorCheck['status'] | undefined): boolean => s === 'fail' || s === 'warn';

/** The identity of a row across runs ("3x upstream-refused at location /a/" -> "upstream-refused at location /a/"). */
export function rowKey(c: DoctorCheck): string {
  return `${c.id}|${c.title.replace(/^\d+x /, '')}`;
}

/** Ids of rows that only exist while a location has failures in the log. */
const LOG_ROWS = new Set(['location-settings', 'request-through-nginx']);

/** Is this a doctor report (enough of one to compare with)? */
export function isReport(x: unknown): x is DoctorReport {
  const r = x as DoctorReport;
  return !!r && typeof r === 'object' && typeof r.host === 'string' && Array.isArray(r.checks)
    && r.checks.every((c) => c && typeof c.id === 'string' && typeof c.title === 'string' && typeof c.status === 'string');
}

export function compareReports(prev: DoctorReport, cur: DoctorReport, file: string): { checks: DoctorCheck[]; compare: DoctorComparison } {
  const before = new Map<string, DoctorCheck>();
  for (const c of prev.checks) before.set(rowKey(c), c);
  const now = new Set(cur.checks.map(rowKey));
  const fixed: string[] = [];
  const still: string[] = [];
  const added: string[] = [];
  const checks = cur.checks.map((c) => {
    const p = before.get(rowKey(c));
    if (bad(p?.status) && !bad(c.status)) fixed.push(c.title);
    else if (bad(p?.status) && bad(c.status)) still.push(c.title);
    else if (bad(c.status)) added.push(c.title);
    return { ...c, previous: p ? p.status : null };
  });
  // a failing location's rows exist only while it has failures: gone means none since the previous
  // run, unless this run's request through nginx to that location still fails
  const requestFails = new Set(cur.checks.filter((c) => c.id === 'request-through-nginx' && bad(c.status)).map((c) => /\((location .*)\)$/.exec(c.title)?.[1]));
  for (const [k, p] of before) {
    if (now.has(k) || !LOG_ROWS.has(p.id)) continue;
    const title = p.title.replace(/^\d+x /, '');
    const loc = / at (location .*) \([^()]*\)$/.exec(title)?.[1];
    if (loc && requestFails.has(loc)) still.push(`${title} (no failures logged since the previous run, but the request through nginx still fails)`);
    else fixed.push(`${title} (no failures since the previous run)`);
  }
  return { checks, compare: { previous: file, previousDate: prev.date ?? null, fixed, stillFailing: still, newFailures: added } };
}

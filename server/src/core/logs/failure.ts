// Which log entries are upstream failures: the lines explain reports by default, tail counts and
// the doctor summarises.
import type { LogEntry } from './reader';
import { classify, type Classification } from './causes';

/** Statuses of access-log lines that count as upstream failures. */
const ACCESS_FAILURES = new Set([502, 504, 9]);

/** True for an upstream failure; `c`: the entry's classification when the caller has it already. */
export function isUpstreamFailure(entry: LogEntry, c?: Classification): boolean {
  if (entry.kind === 'access') return entry.status !== undefined && ACCESS_FAILURES.has(entry.status);
  const id = (c ?? classify(entry)).cause.id;
  // a delayed request did not fail: shown with --all or when asked about that line
  if (id === 'limit-req-delayed') return false;
  if (id !== 'unknown') return id !== 'fastcgi-stderr' || entry.level !== 'notice';
  return entry.context.upstream !== undefined && (entry.level === 'error' || entry.level === 'crit' || entry.level === 'alert');
}

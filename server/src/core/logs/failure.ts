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
  return entry.context.upstream !== undefined && (entry.level === 'error' || entry.level === 'crit' || entry.level === 'alert') && !NOT_UPSTREAM.test(entry.message);
}

/**
 * Messages about files and redirects, not backends: after a failed attempt the request keeps its
 * `upstream:` field, so an error page that does not exist (error_page 502 /50x.html without the
 * file) is logged as `open() "/var/www/50x.html" failed ..., upstream: "..."`, and an error_page
 * loop as `rewrite or internal redirection cycle ..., upstream: "..."` (a 500, not a backend's fault).
 */
const NOT_UPSTREAM = /^(open|stat|opendir|realpath)\(\) "|^"[^"]*" is not found|^directory index of "|^"[^"]*" is forbidden|^rewrite or internal redirection cycle|^could not find named location|^empty URI in redirect/;

// Which parameter words a directive's handler accepts in which nginx version, from the catalog's
// parameters.json (generated from nginx's handlers at every release and the docs' NGINX Plus
// lists). Answers in nginx's words, with the versions that have the word appended.
import type { Catalog } from '../../../catalog/catalog';
import type { ParameterRecord } from '../../../catalog/types';
import { inRange, type Version } from '../../../util/version';
import { closestMatch } from '../../../util/strings';

/** "weight=5" -> "weight=", "backup" -> "backup". */
export function paramKey(word: string): string {
  const eq = word.indexOf('=');
  return eq > 0 ? word.slice(0, eq + 1) : word;
}

export type ParamVerdict =
  | { kind: 'ok'; name: string }
  | { kind: 'unknown' }
  | { kind: 'version'; message: string };

function where(recs: readonly ParameterRecord[]): string {
  const open = recs.filter((r) => !r.plus);
  if (open.length === 0) return 'NGINX Plus only';
  const r = open[0]!;
  const range = r.since && r.until ? `nginx ${r.since} to ${r.until}` : r.until ? `nginx up to ${r.until}` : `nginx ${r.since} and later`;
  return recs.some((x) => x.commercial) ? `${range}, or NGINX Plus` : range;
}

/** Verdict for one argument; `extra` lists words the rule accepts besides the catalogued ones. */
export function catalogParam(catalog: Catalog, directive: string, module: string, word: string, version: Version | null): ParamVerdict {
  const key = paramKey(word);
  const recs = catalog.parameters(directive, module).filter((r) => r.name === key);
  if (recs.length === 0) return { kind: 'unknown' };
  if (!version || recs.some((r) => !r.plus && inRange(version, r.since, r.until))) return { kind: 'ok', name: key };
  return { kind: 'version', message: `invalid parameter "${word}"; it exists in ${where(recs)}` };
}

/** "; did you mean ..." among the words this version accepts, or "". */
export function paramSuggestion(catalog: Catalog, directive: string, module: string, word: string, version: Version | null): string {
  const names = catalog.parameters(directive, module)
    .filter((r) => !version || (!r.plus && inRange(version, r.since, r.until)))
    .map((r) => r.name.replace(/=$/, ''));
  const best = closestMatch(word.replace(/=.*$/, ''), [...new Set(names)]);
  return best ? `; did you mean "${best}"?` : '';
}

/** True when the catalog knows this directive's parameters (else a rule keeps its own list). */
export function hasCatalogParams(catalog: Catalog, directive: string, module: string): boolean {
  return catalog.parameters(directive, module).length > 0;
}

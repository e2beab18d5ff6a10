// Classifies a directive against the catalog in the order ngx_conf_handler checks it: known name,
// allowed in this context, block or ";" as declared, then the number of arguments. Each structural
// rule reports one of these outcomes, so a directive gets at most one of them, as in nginx.
import type { BlockKind, Catalog } from '../catalog/catalog';
import type { DirectiveRecord } from '../catalog/types';
import type { ConfigNode } from '../workspace/config-set';
import type { Version } from '../util/version';

export type Verdict =
  | { kind: 'skip' }
  | { kind: 'unknown'; suggestion?: string; otherVersions?: string }
  | { kind: 'not-allowed' }
  | { kind: 'no-opening-brace' }
  | { kind: 'not-terminated' }
  | { kind: 'argument-count' }
  | { kind: 'ok'; records: DirectiveRecord[] };

const UNCHECKED: ReadonlySet<BlockKind> = new Set(['data', 'raw', 'unknown']);

export function argsAccept(spec: string, n: number): boolean {
  return spec.split('|').some((t) => {
    if (t === 'any') return true;
    if (t === 'flag') return n === 1;
    if (t.endsWith('+')) return n >= Number(t.slice(0, -1));
    return n === Number(t);
  });
}

export function isTemplatePlaceholder(text: string): boolean {
  return /\$\{[A-Z_][A-Z0-9_]*\}|\{\{.*\}\}/.test(text);
}

export function classify(node: ConfigNode, catalog: Catalog, version: Version | null): Verdict {
  const hit = node.verdict;
  if (hit && hit.key === version) return hit.value as Verdict;
  const verdict = compute(node, catalog, version);
  node.verdict = { key: version, value: verdict };
  return verdict;
}

function compute(node: ConfigNode, catalog: Catalog, version: Version | null): Verdict {
  const { d, ctx } = node;
  if (UNCHECKED.has(ctx) || node.d.terminator === null) return { kind: 'skip' };
  if (isTemplatePlaceholder(d.name)) return { kind: 'skip' };
  const all = catalog.records(d.name);
  const existing = catalog.inVersion(d.name, version);
  if (existing.length === 0) {
    if (all.length > 0 && version) return { kind: 'unknown', otherVersions: describeRange(all) };
    const suggestion = catalog.suggest(d.name, ctx, version);
    return suggestion ? { kind: 'unknown', suggestion } : { kind: 'unknown' };
  }
  const here = catalog.allowed(d.name, ctx, version);
  if (here.length === 0) return { kind: 'not-allowed' };
  const isBlock = d.terminator === '{';
  const shaped = here.filter((r) => r.block === isBlock);
  if (shaped.length === 0) return isBlock ? { kind: 'not-terminated' } : { kind: 'no-opening-brace' };
  const counted = shaped.filter((r) => argsAccept(r.args, d.args.length));
  if (counted.length === 0) return { kind: 'argument-count' };
  return { kind: 'ok', records: counted };
}

function describeRange(recs: readonly DirectiveRecord[]): string {
  const since = recs.map((r) => r.since ?? '').filter(Boolean).sort(cmp)[0];
  const untils = recs.map((r) => r.until);
  const until = untils.includes(undefined) ? undefined : untils.sort((a, b) => cmp(a!, b!)).pop();
  if (since === '1.18.0' && until) return `nginx up to ${until}`;
  if (since && until) return `nginx ${since} to ${until}`;
  if (since) return `nginx ${since} and later`;
  return until ? `nginx up to ${until}` : 'other nginx versions';
}

function cmp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

// Classifies a directive against the catalog in the order ngx_conf_handler checks it: known name,
// allowed in this context, block or ";" as declared, then the number of arguments. Each structural
// rule reports one of these outcomes, so a directive gets at most one of them, as in nginx.
import { isPlusOnly, type BlockKind, type Catalog } from '../catalog/catalog';
import type { DirectiveRecord } from '../catalog/types';
import type { ConfigNode, ConfigSet } from '../workspace/config-set';
import type { Model } from '../model/model';
import { formatVersion, type Version } from '../util/version';

export type Verdict =
  | { kind: 'skip' }
  | { kind: 'unknown'; suggestion?: string; otherVersions?: string }
  | { kind: 'not-allowed' }
  | { kind: 'no-opening-brace' }
  | { kind: 'not-terminated' }
  | { kind: 'argument-count' }
  | { kind: 'ok'; records: DirectiveRecord[] };

const SKIP: Verdict = { kind: 'skip' };
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

/**
 * The verdict depends only on the directive's shape (name, context, terminator, argument count)
 * and the version, so directives of one shape share one verdict object: computed once per shape
 * and analysis, then remembered on each node.
 */
export function classify(node: ConfigNode, catalog: Catalog, version: Version | null): Verdict {
  const key = version ? formatVersion(version) : '';
  const known = node.verdict as Shape | undefined;
  if (known && known.key === key) return known.verdict;
  const shapes = shapesFor(catalog, key);
  const { d, ctx } = node;
  const n = d.args.length;
  let list = shapes.get(d.name);
  if (!list) shapes.set(d.name, (list = []));
  let shape: Shape | undefined;
  for (const s of list) {
    if (s.ctx === ctx && s.terminator === d.terminator && s.args === n) {
      shape = s;
      break;
    }
  }
  if (!shape) {
    shape = { ctx, terminator: d.terminator, args: n, key, verdict: compute(node, catalog, version) };
    if (list.length < 64) list.push(shape);
  }
  node.verdict = shape;
  return shape.verdict;
}

// Per catalog and version: verdicts by shape. Bounded by the distinct shapes seen (names come
// from configs, so a cap keeps a hostile config from growing it without end).
const SHAPE_CAP = 50_000;
interface Shape {
  ctx: BlockKind;
  terminator: string | null;
  args: number;
  /** The nginx version key it was computed for. */
  key: string;
  verdict: Verdict;
}
const shapeCache = new WeakMap<Catalog, Map<string, Map<string, Shape[]>>>();

function shapesFor(catalog: Catalog, key: string): Map<string, Shape[]> {
  let byVersion = shapeCache.get(catalog);
  if (!byVersion) shapeCache.set(catalog, (byVersion = new Map()));
  let shapes = byVersion.get(key);
  if (!shapes || shapes.size > SHAPE_CAP) byVersion.set(key, (shapes = new Map()));
  return shapes;
}

function compute(node: ConfigNode, catalog: Catalog, version: Version | null): Verdict {
  const { d, ctx } = node;
  if (UNCHECKED.has(ctx) || node.d.terminator === null) return SKIP;
  if (isTemplatePlaceholder(d.name)) return SKIP;
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

export interface StructureIndex {
  /** Directives by verdict kind other than "ok" and "skip", in reading order. */
  problems: Map<Verdict['kind'], ConfigNode[]>;
  /** Directives nginx accepts, grouped by their (shared) verdict: all of a group have one name. */
  ok: Map<Extract<Verdict, { kind: 'ok' }>, ConfigNode[]>;
}

/**
 * Every directive classified once, grouped by outcome: the structural rules visit only the
 * directives whose verdict concerns them instead of walking the whole config set each.
 */
export function structureIndex(ctx: { set: ConfigSet; model: Model; catalog: Catalog; version: Version | null }): StructureIndex {
  const memo = ctx.model.memo<string, StructureIndex>('structure');
  const key = ctx.version ? formatVersion(ctx.version) : '';
  const hit = memo.get(key);
  if (hit) return hit;
  const index: StructureIndex = { problems: new Map(), ok: new Map() };
  for (const node of ctx.set.all) {
    const v = classify(node, ctx.catalog, ctx.version);
    if (v.kind === 'skip') continue;
    const map = v.kind === 'ok' ? index.ok : index.problems;
    const k = v.kind === 'ok' ? v : v.kind;
    const list = (map as Map<unknown, ConfigNode[]>).get(k);
    if (list) list.push(node);
    else (map as Map<unknown, ConfigNode[]>).set(k, [node]);
  }
  // exactly sized lists (push leaves up to half again as much room in each)
  for (const [v, list] of index.ok) index.ok.set(v, list.slice());
  memo.set(key, index);
  return index;
}

/** The directives with one of these verdict kinds, in reading order per kind. */
export function withVerdict(ctx: Parameters<typeof structureIndex>[0], kind: Verdict['kind']): readonly ConfigNode[] {
  return structureIndex(ctx).problems.get(kind) ?? [];
}

function describeRange(recs: readonly DirectiveRecord[]): string {
  if (recs.every(isPlusOnly)) return 'NGINX Plus';
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

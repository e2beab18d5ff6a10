// One mistake, one diagnostic: a nested location that inherits the same problem from an outer one
// (same finding key, nothing of its own that changes it) is not reported again; the outer
// diagnostic lists it in relatedInformation instead.
import type { ConfigNode } from '../workspace/config-set';
import type { Related } from '../diagnostic';

export interface Finding<T> {
  node: ConfigNode;
  /** Findings with equal keys are the same problem (e.g. the upstream name). */
  key: string;
  data: T;
  related: Related[];
}

/**
 * Keeps the outermost finding of each chain of nested locations; `inherits(inner, outer)` says
 * whether the inner finding's block takes the problem from the outer one's.
 */
export function foldNested<T>(findings: Finding<T>[], inherits: (inner: Finding<T>, outer: Finding<T>) => boolean): Finding<T>[] {
  const kept: Finding<T>[] = [];
  const byBlock = new Map<ConfigNode, Finding<T>>();
  for (const f of findings) {
    let outer: Finding<T> | undefined;
    for (let b = f.node.parent?.parent ?? null; b && !outer; b = b.parent) {
      const o = byBlock.get(b);
      if (o && o.key === f.key && inherits(f, o)) outer = o;
    }
    if (outer) {
      const where = f.node.parent?.d.args.map((a) => a.value).join(' ') ?? '';
      outer.related.push({ file: f.node.file.source.path, start: f.node.d.start, end: f.node.d.headEnd, message: `the nested location ${where} inherits the same problem` });
      continue;
    }
    kept.push(f);
    if (f.node.parent) byBlock.set(f.node.parent, f);
  }
  return kept;
}

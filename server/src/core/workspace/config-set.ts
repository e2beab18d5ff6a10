// Builds the include-expanded view of a root config: every directive as a ConfigNode that knows
// its context (main > http > server > location ...) and its parent, with included files spliced
// in where the include stands, as nginx reads them. A file included from several places appears
// once per inclusion. Missing files, cycles and runaway expansion are reported, never thrown.
import { debianFileName, debianFileText } from './debian-files';
import type { Directive, ParsedFile } from '../syntax/ast';
import type { FileHost } from '../host';
import type { BlockKind, Catalog } from '../catalog/catalog';
import { ParseCache } from './parse-cache';
import { expandGlob, hasGlob, INCLUDE_LIMITS, type IncludeLimits } from './glob';
import { dirname, resolve, basename } from '../util/path';
import { MAX_BLOCK_DEPTH } from '../syntax/parser';

export interface ConfigNode {
  readonly d: Directive;
  readonly file: ParsedFile;
  readonly parent: ConfigNode | null;
  /** The context the directive stands in. */
  readonly ctx: BlockKind;
  /** The context its block opens, when it has one. */
  body: BlockKind | null;
  /** The directives in its block, includes expanded. */
  children: ConfigNode[];
  /** The include directive that brought this node's file in, for top-level nodes of an included file. */
  readonly via: ConfigNode | null;
  /** Memo of the catalog verdict (checks/structure.ts), shared by directives of the same shape. */
  verdict: unknown;
}

/** The 1-based line where the node's directive starts. */
export function lineOf(n: ConfigNode): number {
  return n.file.source.lines.positionAt(n.d.start).line + 1;
}

export interface ConfigProblem {
  file: string;
  start: number;
  end: number;
  code: string;
  message: string;
}

export interface IncludeRef {
  node: ConfigNode;
  pattern: string;
  files: string[];
}

export interface ConfigSet {
  rootPath: string;
  /** Every file reached, root first. */
  files: Map<string, ParsedFile>;
  main: ConfigNode[];
  all: ConfigNode[];
  includes: IncludeRef[];
  problems: ConfigProblem[];
  startContext: BlockKind;
}

export interface ConfigSetOptions {
  host: FileHost;
  catalog: Catalog;
  cache?: ParseCache;
  /** Base for relative include paths: nginx's conf prefix (the root config's directory by default). */
  confDir?: string;
  /** Context the root's top-level directives stand in (for snippets analysed alone). */
  startContext?: BlockKind;
  /** Text of the root when it is not read from the host (an unsaved buffer). */
  rootText?: string;
  /** Caps on the work includes may cause (INCLUDE_LIMITS by default). */
  limits?: IncludeLimits;
}

const MAX_DEPTH = 64;
/** Shared by every node without a block (most of them); never mutated. */
const NO_CHILDREN = Object.freeze([]) as unknown as ConfigNode[];
const MAX_NODES = 2_000_000;

export function buildConfigSet(rootPath: string, opts: ConfigSetOptions): ConfigSet {
  const cache = opts.cache ?? new ParseCache();
  const limits = opts.limits ?? INCLUDE_LIMITS;
  let inclusions = 0;
  let unitCapped = false;
  const confDir = opts.confDir ?? dirname(rootPath);
  const set: ConfigSet = {
    rootPath,
    files: new Map(),
    main: [],
    all: [],
    includes: [],
    problems: [],
    startContext: opts.startContext ?? 'main',
  };
  const load = (path: string): ParsedFile | undefined => {
    const known = set.files.get(path);
    if (known) return known;
    const text = path === rootPath && opts.rootText !== undefined ? opts.rootText : opts.host.readFile(path);
    if (text === undefined) return undefined;
    const parsed = cache.get(path, text);
    set.files.set(path, parsed);
    return parsed;
  };
  const root = load(rootPath);
  if (!root) {
    set.problems.push({ file: rootPath, start: 0, end: 0, code: 'include-not-found', message: `open() "${rootPath}" failed (2: No such file or directory)` });
    return set;
  }

  const expand = (list: Directive[], file: ParsedFile, parent: ConfigNode | null, ctx: BlockKind, stack: string[], via: ConfigNode | null, depth = 0): ConfigNode[] => {
    const out: ConfigNode[] = [];
    // blocks nested through includes are bounded too (each file's own nesting is by the parser)
    if (depth > MAX_BLOCK_DEPTH) return out;
    for (const d of list) {
      if (set.all.length >= MAX_NODES) break;
      const node: ConfigNode = { d, file, parent, ctx, body: null, children: NO_CHILDREN, via, verdict: undefined };
      out.push(node);
      set.all.push(node);
      if (d.name === 'include' && d.args.length === 1 && !d.block && ctx !== 'raw') {
        for (const inc of resolveInclude(node, stack)) {
          // a loop, not push(...): an included tree can hold more nodes than a call has arguments
          for (const n of expand(inc.directives, inc, parent, ctx, [...stack, inc.source.path], node, depth)) out.push(n);
        }
      }
      if (d.block) {
        node.body = ctx === 'unknown' ? 'unknown' : opts.catalog.bodyKind(d.name, ctx);
        if (node.body !== 'raw') {
          const kids = expand(d.block.children, file, node, node.body, stack, null, depth + 1);
          // exactly sized: push leaves spare capacity, and there is one such list per block
          node.children = kids.length ? kids.slice() : NO_CHILDREN;
        }
      }
    }
    return out;
  };

  /** Paths standing for Debian's shipped files (debian-files.ts), not read from the disk. */
  const assumed = new Set<string>();
  const resolveInclude = (node: ConfigNode, stack: string[]): ParsedFile[] => {
    const arg = node.d.args[0]!;
    const pattern = resolve(confDir, arg.value);
    const ref: IncludeRef = { node, pattern, files: [] };
    set.includes.push(ref);
    const report = (code: string, message: string): void => {
      set.problems.push({ file: node.file.source.path, start: arg.start, end: arg.end, code, message });
    };
    let paths = [pattern];
    if (hasGlob(arg.value)) {
      const g = expandGlob(opts.host, pattern, limits);
      paths = g.paths;
      const shown = (p: string): string => (p.startsWith(`${confDir}/`) ? p.slice(confDir.length + 1) : p);
      if (g.loops.length) {
        report('include-cycle', `include "${arg.value}" loops: "${shown(g.loops[0]!)}" is a directory it already lists (a link back up the tree${g.loops.length > 1 ? `, and ${g.loops.length - 1} more` : ''}); each directory is read once`);
      }
      if (g.repeats.length) {
        report('include-limit', `include "${arg.value}" reaches "${shown(g.repeats[0]!)}" through a second link${g.repeats.length > 1 ? ` (and ${g.repeats.length - 1} more)` : ''}; nginx reads such a directory once per link, nginx-doctor once`);
      }
      if (g.capped === 'matches') report('include-limit', `include "${arg.value}" matches more than ${limits.globMatches.toLocaleString('en-US')} paths; only the first ${limits.globMatches.toLocaleString('en-US')} were checked`);
      if (g.capped === 'dirs') report('include-limit', `include "${arg.value}" lists more than ${limits.globDirs.toLocaleString('en-US')} directories; the rest was not checked`);
    }
    const out: ParsedFile[] = [];
    for (const p of paths) {
      if (++inclusions > limits.inclusions || (!set.files.has(p) && set.files.size >= limits.unitFiles)) {
        if (!unitCapped) {
          unitCapped = true;
          report('include-limit', `this config includes more than ${(inclusions > limits.inclusions ? limits.inclusions : limits.unitFiles).toLocaleString('en-US')} ${inclusions > limits.inclusions ? 'files in all' : 'distinct files'}; "${arg.value}" and the includes after it were not checked`);
        }
        break;
      }
      if (stack.includes(p)) {
        const cycle = [...stack.slice(stack.indexOf(p)), p].map((x) => basename(x)).join(' -> ');
        report('include-cycle', `include cycle: ${cycle}`);
        continue;
      }
      if (stack.length >= MAX_DEPTH) {
        report('include-cycle', `includes nested more than ${MAX_DEPTH} levels deep at "${arg.value}"`);
        continue;
      }
      let parsed = load(p);
      const debian = parsed ? undefined : debianFileName(p, confDir);
      if (!parsed && debian) {
        parsed = cache.get(p, debianFileText(debian)!);
        set.files.set(p, parsed);
        assumed.add(p);
        // said once, on the user's include line: not again for includes inside an assumed file
        if (!assumed.has(node.file.source.path)) report('include-assumed', `"${p}" was not read; nginx-doctor assumes Debian's standard ${debian}`);
      }
      if (!parsed) {
        if (!hasGlob(arg.value)) {
          const why = opts.host.isDirectory(p) ? '21: Is a directory' : '2: No such file or directory';
          report('include-not-found', `open() "${p}" failed (${why})`);
        }
        continue;
      }
      ref.files.push(p);
      out.push(parsed);
    }
    return out;
  };

  set.main = expand(root.directives, root, null, set.startContext, [rootPath], null);
  return set;
}

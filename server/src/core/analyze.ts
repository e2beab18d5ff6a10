// Runs a full analysis of one root config (or a snippet analysed in an assumed context):
// include expansion, semantic model, every rule, then severity settings and suppressions.
import type { BlockKind, Catalog } from './catalog/catalog';
import type { Diagnostic, Fix, SeveritySetting } from './diagnostic';
import type { FileHost } from './host';
import { buildConfigSet, type ConfigSet } from './workspace/config-set';
import type { ParseCache } from './workspace/parse-cache';
import type { IncludeLimits } from './workspace/glob';
import { Model } from './model/model';
import { RULES } from './checks/registry';
import type { ReportOptions, Rule, RuleContext, RuleOptions } from './checks/rule';
import { isSuppressed, readSuppressions, type Suppressions } from './checks/suppressions';
import { parseVersion, type Version } from './util/version';

export interface AnalyzeOptions {
  host: FileHost;
  catalog: Catalog;
  cache?: ParseCache;
  /** "1.24.0"; when missing every catalog version is accepted. */
  nginxVersion?: string | null;
  confDir?: string;
  startContext?: BlockKind;
  rootText?: string;
  /** Per-rule severity overrides ("off" silences a rule). */
  severities?: Record<string, SeveritySetting>;
  /** Only these rules (tests run one rule at a time). */
  rules?: readonly Rule[];
  ruleOptions?: RuleOptions;
  /** Caps on the work includes may cause (workspace/glob.ts INCLUDE_LIMITS by default). */
  limits?: IncludeLimits;
}

export interface Analysis {
  set: ConfigSet;
  model: Model;
  diagnostics: Diagnostic[];
  version: Version | null;
}

export function analyze(rootPath: string, opts: AnalyzeOptions): Analysis {
  const setOpts = {
    host: opts.host,
    catalog: opts.catalog,
    ...(opts.cache ? { cache: opts.cache } : {}),
    ...(opts.confDir ? { confDir: opts.confDir } : {}),
    ...(opts.startContext ? { startContext: opts.startContext } : {}),
    ...(opts.rootText !== undefined ? { rootText: opts.rootText } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  };
  const set = buildConfigSet(rootPath, setOpts);
  const model = new Model(set);
  const version = parseVersion(opts.nginxVersion ?? null);
  const raw: Diagnostic[] = [];
  let current: Rule | undefined;
  const push = (file: string, start: number, end: number, message: string, o: ReportOptions = {}): void => {
    const rule = current!;
    const severity = o.severity ?? rule.severity;
    const fixes = o.fixes;
    if (typeof fixes === 'function') {
      // the getter replaces itself with the built list on first read (see ownFixes)
      raw.push(o.related?.length
        ? { file, start, end, severity, code: rule.id, message, related: o.related, get fixes() { return ownFixes(this, fixes()); }, set fixes(v) { setFixes(this, v); } }
        : { file, start, end, severity, code: rule.id, message, get fixes() { return ownFixes(this, fixes()); }, set fixes(v) { setFixes(this, v); } });
      return;
    }
    const d: Diagnostic = { file, start, end, severity, code: rule.id, message };
    if (o.related?.length) d.related = o.related;
    if (fixes?.length) d.fixes = fixes;
    raw.push(d);
  };
  const ctx: RuleContext = {
    options: opts.ruleOptions ?? {},
    host: opts.host,
    set,
    model,
    catalog: opts.catalog,
    version,
    report: (node, message, o) => push(node.file.source.path, o?.start ?? node.d.start, o?.end ?? node.d.headEnd, message, o),
    reportAt: (file, start, end, message, o) => push(file, start, end, message, o),
  };
  for (const rule of opts.rules ?? RULES) {
    const setting = opts.severities?.[rule.id];
    if (setting === 'off' || (!setting && rule.defaultOff && !opts.rules)) continue;
    current = rule;
    const before = raw.length;
    rule.check(ctx);
    if (setting) for (let i = before; i < raw.length; i++) raw[i]!.severity = setting;
  }
  return { set, model, diagnostics: finish(raw, set), version };
}

/**
 * Replaces a diagnostic's lazy `fixes` accessor by its value: the built fixes, or no property at
 * all when there are none (as if the rule had attached none).
 */
function ownFixes(d: Diagnostic, fixes: Fix[]): Fix[] | undefined {
  if (!fixes.length) {
    delete d.fixes;
    return undefined;
  }
  setFixes(d, fixes);
  return fixes;
}

function setFixes(d: Diagnostic, fixes: Fix[] | undefined): void {
  Object.defineProperty(d, 'fixes', { value: fixes, writable: true, enumerable: true, configurable: true });
}

function finish(raw: Diagnostic[], set: ConfigSet): Diagnostic[] {
  const seen = new Set<string>();
  const supp = new Map<string, Suppressions>();
  const out: Diagnostic[] = [];
  for (const d of raw) {
    const key = `${d.file}\0${d.start}\0${d.end}\0${d.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const parsed = set.files.get(d.file);
    if (parsed) {
      let s = supp.get(d.file);
      if (!s) supp.set(d.file, (s = readSuppressions(parsed)));
      if (isSuppressed(d, s, parsed.source.lines.positionAt(d.start).line)) continue;
    }
    out.push(d);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
}

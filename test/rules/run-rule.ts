// Analyses a config with one rule (plus syntax errors), as the rule fixtures and the docs
// examples do: a root config as nginx would read it, anything else as a snippet in the context
// its directives imply.
import assert from 'node:assert/strict';
import { analyze, defaultCatalog, fixAll, INCLUDE_LIMITS, isRootConfig, parse, makeSourceFile, RULES, snippetContext, type Analysis, type AnalyzeOptions, type FixAllResult, type IncludeLimits, type Rule } from '../../server/src/core/index';

export const syntaxRule = RULES.find((r) => r.id === 'syntax')!;

export function ruleById(id: string): Rule {
  const rule = RULES.find((r) => r.id === id);
  assert.ok(rule, `no rule "${id}" is registered`);
  return rule;
}

export interface RunOptions {
  host: AnalyzeOptions['host'];
  /** The root's text (else read through the host). */
  text?: string;
  nginxVersion?: string | null;
  confDir?: string;
  /** Lower include caps, so a fixture can reach them with a few files. */
  limits?: Partial<IncludeLimits>;
  /** Options the settings give the rules (added to the fixtures' defaults). */
  ruleOptions?: AnalyzeOptions['ruleOptions'];
}

export function oneRuleOptions(ruleId: string, root: string, o: RunOptions): AnalyzeOptions {
  const text = o.text ?? o.host.readFile(root) ?? '';
  const parsed = parse(makeSourceFile(root, text));
  const catalog = defaultCatalog();
  const rule = ruleById(ruleId);
  const snippet = isRootConfig(parsed) ? undefined : snippetContext(parsed, catalog);
  return {
    host: o.host,
    catalog,
    nginxVersion: o.nginxVersion ?? null,
    rules: ruleId === 'syntax' ? [syntaxRule] : [syntaxRule, rule],
    ruleOptions: { checkLocalSockets: true, ...o.ruleOptions },
    ...(o.confDir ? { confDir: o.confDir } : {}),
    ...(o.limits ? { limits: { ...INCLUDE_LIMITS, ...o.limits } } : {}),
    ...(snippet ? { startContext: snippet.context } : {}),
  };
}

export function analyzeOneRule(ruleId: string, root: string, o: RunOptions): Analysis {
  return analyze(root, oneRuleOptions(ruleId, root, o));
}

export function fixOneRule(ruleId: string, root: string, o: RunOptions): FixAllResult {
  return fixAll(root, oneRuleOptions(ruleId, root, o));
}

// What the rule registry says about itself, rendered for people and for VS Code: the table of
// docs/rules/README.md and the `nginxDoctor.rules` settings schema of package.json (so
// settings.json completes rule ids and severities). scripts/gen-rule-docs.mjs writes both; the
// rules tier fails when either differs from what this renders.
import type { Rule } from './rule';

export const SEVERITY_SETTINGS = ['off', 'error', 'warning', 'info', 'hint'] as const;
const DOCS_URL = 'https://github.com/nginx-doctor/nginx-doctor/blob/main/docs/rules';

export function severityText(r: Rule): string {
  const notes = [...(r.defaultOff ? ['off by default'] : []), ...(r.severityNote ? [r.severityNote] : [])];
  return notes.length ? `${r.severity} (${notes.join('; ')})` : r.severity;
}

export function versionsText(r: Rule): string {
  const parts: string[] = [];
  if (r.versions?.before) parts.push(`before ${r.versions.before}`);
  if (r.versions?.note) parts.push(r.versions.note);
  return parts.join('; ') || 'all';
}

const FIX_TEXT: Record<Rule['fix'], string> = { none: '', editor: 'in the editor', all: 'yes' };

/** `|` would end a table cell. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function rulesReadme(rules: readonly Rule[]): string {
  const count = (s: string): number => rules.filter((r) => r.severity === s).length;
  const rows = rules.map((r) => `| [${r.id}](${r.id}.md) | ${cell(severityText(r))} | ${FIX_TEXT[r.fix]} | ${cell(versionsText(r))} | ${cell(r.summary)} |`);
  return `# Rules

<!-- Generated from the rule registry (server/src/core/checks/registry.ts) by
     "node scripts/gen-rule-docs.mjs": edit the rules, not this file. -->

${rules.length} rules: ${count('error')} report an error by default (nginx -t would refuse the config, so nginx
does not start or reload), ${count('warning')} a warning and ${count('info')} an info (nginx accepts the config, but
it fails at run time: 502s, 504s, dropped headers, connections that are never reused).

Change a rule's severity with \`"nginxDoctor.rules": { "<id>": "warning" }\` in VS Code (\`"off"\`
silences it; settings.json completes the ids), \`--rule <id>=warning\` on the command line, or
silence one finding with \`# nginx-doctor: disable-next-line <id> -- reason\` on the line before it.
"Quick fix": "yes" rules offer one in the editor that Fix all and \`nginx-doctor fix\` apply too;
"in the editor" ones offer a choice that only you can make. "nginx" says which
versions a rule speaks about (set yours with \`nginxDoctor.nginxVersion\` or \`--nginx-version\`).

| Rule | Default | Quick fix | nginx | Finds |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

export interface RuleSettingSchema {
  type: 'string';
  enum: string[];
  default: string;
  markdownDescription: string;
}

/** contributes.configuration.properties["nginxDoctor.rules"] */
export function rulesSettingSchema(rules: readonly Rule[]): Record<string, unknown> {
  const properties: Record<string, RuleSettingSchema> = {};
  for (const r of rules) {
    const fix = r.fix === 'all' ? ' Has a quick fix.' : r.fix === 'editor' ? ' Has a quick fix in the editor.' : '';
    properties[r.id] = {
      type: 'string',
      enum: [...SEVERITY_SETTINGS],
      default: r.defaultOff ? 'off' : r.severity,
      markdownDescription: `${r.summary[0]!.toUpperCase()}${r.summary.slice(1)}. Default: \`${severityText(r)}\`.${fix} [${r.id}](${DOCS_URL}/${r.id}.md)`,
    };
  }
  return {
    type: 'object',
    default: {},
    properties,
    additionalProperties: false,
    markdownDescription: 'Severity per rule id, e.g. `{ "unknown-variable": "warning" }`; `off` silences a rule. The rules: [docs/rules](https://github.com/nginx-doctor/nginx-doctor/blob/main/docs/rules/README.md).',
    scope: 'resource',
  };
}

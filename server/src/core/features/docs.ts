// Markdown for directives and variables, from the generated catalog plus our own one-line notes
// (notes.json). Shared by hover and completion.
import type { BlockKind, Catalog } from '../catalog/catalog';
import { familyOf } from '../catalog/catalog';
import type { DirectiveRecord } from '../catalog/types';
import { formatVersion, inRange, type Version } from '../util/version';
import notes from './notes.json';

const DIRECTIVE_NOTES: Record<string, string> = (notes as { directives: Record<string, string> }).directives;
const VARIABLE_NOTES: Record<string, string> = (notes as { variables: Record<string, string> }).variables;

export function directiveNote(name: string): string | undefined {
  return DIRECTIVE_NOTES[name];
}

export function variableNote(name: string): string | undefined {
  return VARIABLE_NOTES[name];
}

const CONTEXT_LABEL: Record<string, string> = {
  main: 'main', events: 'events', http: 'http', server: 'server', location: 'location', upstream: 'upstream',
  if_server: 'if in server', if_location: 'if in location', limit_except: 'limit_except', stream: 'stream',
  stream_server: 'stream server', stream_upstream: 'stream upstream', mail: 'mail', mail_server: 'mail server', any: 'any',
};

const SOURCE_LABEL: Record<string, string> = {
  lua: 'lua-nginx-module, OpenResty', 'stream-lua': 'stream-lua-nginx-module, OpenResty',
  'headers-more': 'headers-more-nginx-module', njs: 'njs', ndk: 'ngx_devel_kit',
};

/** The record that best describes `name` at a context: allowed there and in the version, else any. */
export function pickRecord(catalog: Catalog, name: string, ctx: BlockKind | null, version: Version | null): DirectiveRecord | undefined {
  const all = catalog.records(name);
  if (!all.length) return undefined;
  const family = ctx ? familyOf(ctx) : null;
  const score = (r: DirectiveRecord): number =>
    (ctx && (r.contexts.includes(ctx) || r.contexts.includes('any')) ? 4 : 0) +
    (family && r.family === family ? 2 : 0) +
    (!version || inRange(version, r.since, r.until) ? 1 : 0);
  // Newest variant first among equals (records are sorted by since).
  return [...all].reverse().sort((a, b) => score(b) - score(a))[0];
}

function firstVersion(catalog: Catalog, r: DirectiveRecord, name: string): string | undefined {
  if (r.appearedIn) return r.appearedIn.split(',')[0]!.trim();
  const sinces = catalog.records(name).filter((x) => x.family === r.family && x.since).map((x) => x.since!);
  const first = sinces.sort((a, b) => (a === b ? 0 : cmp(a, b)))[0];
  if (!first) return undefined;
  return first === '1.18.0' ? '1.18.0 or earlier' : first;
}

function cmp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${s}${ticks}`;
}

/** Hover / completion documentation for a directive. */
export function directiveMarkdown(catalog: Catalog, name: string, ctx: BlockKind | null, version: Version | null): string | undefined {
  const r = pickRecord(catalog, name, ctx, version);
  if (!r) return undefined;
  const out: string[] = [];
  const note = DIRECTIVE_NOTES[name];
  out.push(note ? `**${name}** — ${note}` : `**${name}**`);
  const syntax = r.syntax?.length ? r.syntax : undefined;
  if (syntax) out.push('```nginx\n' + syntax.join('\n') + '\n```');
  const facts: string[] = [];
  if (r.default !== undefined && r.default !== null) facts.push(`Default: ${r.default.split('\n').map(code).join(', ')}`);
  else if (r.default === null) facts.push('Default: none');
  facts.push(`Context: ${r.contexts.map((c) => CONTEXT_LABEL[c] ?? c).join(', ')}`);
  if (r.values?.length) facts.push(`Values: ${r.values.map(code).join(' ')}`);
  const first = firstVersion(catalog, r, name);
  if (first) facts.push(`Since: ${first}`);
  facts.push(`Module: ${SOURCE_LABEL[r.source] ? `${r.module} (${SOURCE_LABEL[r.source]})` : r.module}`);
  if (r.commercial) facts.push('NGINX Plus (commercial subscription) only');
  out.push(facts.join('  \n'));
  if (version) {
    const inVersion = catalog.inVersion(name, version);
    if (!inVersion.length) {
      const ranges = catalog.records(name).filter((x) => x.since).map((x) => (x.until ? `${x.since}–${x.until}` : `${x.since}+`));
      out.push(`Not available in nginx ${formatVersion(version)}` + (ranges.length ? ` (catalogued in ${[...new Set(ranges)].join(', ')})` : '') + '.');
    } else if (ctx && !catalog.allowed(name, ctx, version).length && !catalog.allowed(name, ctx, null).length) {
      out.push(`Not allowed in ${CONTEXT_LABEL[ctx] ?? ctx} context.`);
    }
  }
  if (r.docs) out.push(`[nginx.org documentation](${r.docs})`);
  return out.join('\n\n');
}

/** Hover for a built-in variable, or undefined when the catalog does not know it. */
export function builtinVariableMarkdown(catalog: Catalog, name: string, family: string, version: Version | null): string | undefined {
  const lower = name.toLowerCase();
  if (!catalog.isBuiltinVariable(lower, family, null) && !catalog.isBuiltinVariable(lower, 'any', null)) return undefined;
  const out: string[] = [];
  const note = VARIABLE_NOTES[lower];
  out.push(note ? `**$${name}** — ${note}` : `**$${name}**`);
  const prefix = PREFIX_VARIABLES.find((p) => lower.startsWith(p.name) && lower.length > p.name.length && !catalog.variableNames(family).includes(lower));
  if (prefix) {
    const rest = lower.slice(prefix.name.length);
    out.push(prefix.doc.replace('%s', /http_$/.test(prefix.name) ? rest.replace(/_/g, '-') : rest));
  }
  const builtin = catalog.isBuiltinVariable(lower, family, null);
  out.push(`Built-in ${builtin ? family : ''} variable.`.replace('  ', ' '));
  if (version && !catalog.isBuiltinVariable(lower, family, version) && builtin) out.push(`Not available in nginx ${formatVersion(version)}.`);
  return out.join('\n\n');
}

export const PREFIX_VARIABLES: { name: string; doc: string }[] = [
  { name: 'http_', doc: 'The request header `%s` (written with underscores for dashes, in lower case).' },
  { name: 'sent_http_', doc: 'The response header `%s`.' },
  { name: 'sent_trailer_', doc: 'The response trailer `%s`.' },
  { name: 'cookie_', doc: 'The request cookie `%s`.' },
  { name: 'arg_', doc: 'The query-string argument `%s`.' },
  { name: 'upstream_http_', doc: 'The upstream response header `%s`.' },
  { name: 'upstream_trailer_', doc: 'The upstream response trailer `%s`.' },
  { name: 'upstream_cookie_', doc: 'The cookie `%s` set by the upstream response.' },
];

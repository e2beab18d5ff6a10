// Completion at an offset: directives valid in the context (version-aware, with a snippet of their
// syntax), argument values (on/off and catalog enums), variables (built in for the context's family
// and defined by the config), upstream names after proxy_pass http://, named locations (@x) and
// include paths (relative to the conf dir, with a glob for a directory's files).
import type { BlockKind, Catalog } from '../catalog/catalog';
import { familyOf } from '../catalog/catalog';
import type { FileHost } from '../host';
import type { Model } from '../model/model';
import type { ParsedFile } from '../syntax/ast';
import type { Token } from '../syntax/token';
import { hasGlob } from '../workspace/glob';
import { lineOf } from '../workspace/config-set';
import { resolve } from '../util/path';
import type { Version } from '../util/version';
import { cursorAt, type Cursor } from './cursor';
import { directiveMarkdown, directiveNote, PREFIX_VARIABLES, variableNote } from './docs';
import { directiveSnippet } from './snippets';
import { upstreamHost, PASS_DIRECTIVES } from './refs';

export type CompletionKind = 'directive' | 'block' | 'value' | 'variable' | 'upstream' | 'location' | 'file' | 'folder' | 'keyword';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert (a snippet when `snippet` is set); the label otherwise. */
  insertText?: string;
  snippet?: boolean;
  /** Offsets of the text the entry replaces. */
  start: number;
  end: number;
  sortText?: string;
  filterText?: string;
  /** Ask the editor to complete again after inserting (a folder). */
  retrigger?: boolean;
  /** Set instead of `documentation` with `lazyDocs`: the directive to document on resolve. */
  resolve?: { directive: string; ctx: BlockKind };
}

export interface CompletionInput {
  file: ParsedFile;
  offset: number;
  /** Context of the file's top-level directives. */
  topContext: BlockKind;
  catalog: Catalog;
  version: Version | null;
  /** Whether the editor takes snippets. */
  snippets: boolean;
  /** Models of the analysis units the file belongs to (defined variables, upstreams, locations). */
  models: Model[];
  host?: FileHost;
  /** Base of relative include paths. */
  confDir?: string;
  tokens?: Token[];
  /** Leave directive documentation for completionItem/resolve (lists have hundreds of items). */
  lazyDocs?: boolean;
}

const DATA_KEYWORDS: Record<string, string[]> = {
  map: ['default', 'hostnames', 'include', 'volatile'],
  geo: ['default', 'include', 'delete', 'ranges', 'proxy', 'proxy_recursive'],
  split_clients: [],
  types: [],
};

const COMMON_HEADERS = ['upgrade', 'connection', 'authorization', 'origin', 'x_real_ip', 'x_forwarded_proto', 'x_forwarded_host', 'x_request_id', 'accept_encoding', 'accept_language', 'content_type', 'if_none_match'];

const NAMED_LOCATION_DIRECTIVES = new Set(['try_files', 'error_page', 'post_action']);

export function complete(input: CompletionInput): CompletionEntry[] {
  const { file, offset, catalog } = input;
  const cur = cursorAt(file, offset, input.topContext, catalog, input.tokens);
  if (cur.inComment || cur.inRaw) return [];
  const text = file.source.text;
  // A variable being typed anywhere in a statement's words.
  const dollar = variableStart(cur.prefix);
  if (cur.token && dollar) return variables(input, cur, dollar);
  if (cur.index === 0 || cur.words.length === 0) return directives(input, cur);
  const name = cur.words[0]!.value;
  const argIndex = cur.index - 1;
  const tokStart = cur.token ? cur.token.start : offset;
  const tokEnd = cur.token ? cur.token.end : offset;
  const quoted = cur.token?.kind === 'string';
  const valStart = tokStart + (quoted ? 1 : 0);
  const valEnd = quoted && cur.token && text[tokEnd - 1] === cur.token.quote && tokEnd - 1 >= offset ? tokEnd - 1 : tokEnd;
  const typed = text.slice(valStart, offset);

  if (name === 'include' && argIndex === 0) return includePaths(input, valStart, valEnd, typed);
  const out: CompletionEntry[] = [];
  if (PASS_DIRECTIVES.has(name) && argIndex === 0) out.push(...upstreams(input, cur, valStart, valEnd, typed, name));
  if (NAMED_LOCATION_DIRECTIVES.has(name) && (typed.startsWith('@') || typed === '') && argIndex >= 1) {
    for (const n of namedLocations(input.models)) out.push({ label: n, kind: 'location', detail: 'named location', start: valStart, end: valEnd, sortText: '1' + n });
  }
  if (typed.startsWith('@')) return out;
  const recs = catalog.allowed(name, cur.ctx, input.version);
  const values = new Set<string>();
  for (const r of recs) {
    if (r.args === 'flag' || r.valueType === 'flag') ['on', 'off'].forEach((v) => values.add(v));
    for (const v of r.values ?? []) values.add(v);
  }
  const already = new Set(cur.words.slice(1).filter((w) => w !== cur.token).map((w) => w.value));
  for (const v of values) {
    if (already.has(v)) continue;
    out.push({ label: v, kind: 'value', detail: `${name} value`, start: valStart, end: valEnd, sortText: '0' + v });
  }
  return out;
}

function directives(input: CompletionInput, cur: Cursor): CompletionEntry[] {
  const { catalog, version } = input;
  const start = cur.token ? cur.token.start : cur.offset;
  const end = cur.token ? cur.token.end : cur.offset;
  const ctx = cur.ctx;
  const parent = cur.enclosing[cur.enclosing.length - 1];
  if (ctx === 'raw') return [];
  if (ctx === 'data' || ctx === 'unknown') {
    const words = parent ? DATA_KEYWORDS[parent.name] ?? [] : [];
    return words.map((w) => ({ label: w, kind: 'keyword' as const, start, end, detail: `${parent!.name} keyword` }));
  }
  // With more words after the name, replace the name only and insert no arguments.
  const plain = cur.words.length > 1 || !input.snippets;
  const names = new Set(catalog.namesFor(ctx, version));
  names.add('include');
  const out: CompletionEntry[] = [];
  for (const name of names) {
    const recs = catalog.allowed(name, ctx, version);
    const r = recs.find((x) => x.syntax?.length) ?? recs[0];
    if (!r) continue;
    const block = r.block;
    const entry: CompletionEntry = {
      label: name,
      kind: block ? 'block' : 'directive',
      detail: r.syntax?.[0] ?? r.module,
      start,
      end,
      sortText: (directiveNote(name) ? '0' : r.commercial ? '2' : '1') + name,
    };
    if (input.lazyDocs) entry.resolve = { directive: name, ctx };
    else {
      const doc = directiveMarkdown(catalog, name, ctx, version);
      if (doc) entry.documentation = doc;
    }
    if (!plain) {
      entry.insertText = directiveSnippet(name, r.syntax?.[0], block, r.args);
      entry.snippet = true;
    }
    out.push(entry);
  }
  return out;
}

/** Offset in `prefix` just after "$" or "${" of a variable being typed, or 0. */
function variableStart(prefix: string): number {
  const m = /\$(\{?)([A-Za-z0-9_]*)$/.exec(prefix);
  if (!m) return 0;
  // "$$" or a regex anchor before a quote are not variables, but "$" at the end is one being started.
  return m.index + 1 + m[1]!.length;
}

function variables(input: CompletionInput, cur: Cursor, at: number): CompletionEntry[] {
  const text = input.file.source.text;
  const tok = cur.token!;
  const start = tok.start + at;
  let end = cur.offset;
  while (end < tok.end && /[A-Za-z0-9_]/.test(text[end]!)) end++;
  const braced = text[start - 1] === '{';
  const close = braced && text[end] !== '}' ? '}' : '';
  const family = familyOf(cur.ctx);
  const seen = new Set<string>();
  const out: CompletionEntry[] = [];
  const add = (name: string, detail: string, sort: string, doc?: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const e: CompletionEntry = { label: '$' + name, filterText: name, insertText: name + close, kind: 'variable', detail, start, end, sortText: sort + name };
    if (doc) e.documentation = doc;
    out.push(e);
  };
  for (const m of input.models) {
    for (const [name, nodes] of m.definedVariables) {
      const n = nodes[0]!;
      add(name, `defined by ${n.d.name} (${basename(n.file.source.path)}:${lineOf(n)})`, '0');
    }
  }
  for (const name of input.catalog.variableNames(family).sort()) {
    if (!input.catalog.isBuiltinVariable(name, family, input.version)) continue;
    add(name, `built-in ${family} variable`, '1', variableNote(name));
  }
  for (const p of PREFIX_VARIABLES) {
    if (!input.catalog.isBuiltinVariable(p.name + 'x', family, input.version)) continue;
    const e: CompletionEntry = { label: '$' + p.name, filterText: p.name, insertText: p.name, kind: 'variable', detail: p.doc.replace('`%s`', '…'), start, end, sortText: '2' + p.name };
    out.push(e);
  }
  if (input.catalog.isBuiltinVariable('http_x', family, input.version)) {
    for (const h of COMMON_HEADERS) add('http_' + h, `request header ${h.replace(/_/g, '-')}`, '2', variableNote('http_' + h));
  }
  return out;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function upstreams(input: CompletionInput, cur: Cursor, valStart: number, valEnd: number, typed: string, name: string): CompletionEntry[] {
  const scheme = /^[a-z]+:\/\//i.exec(typed);
  const needsScheme = name === 'proxy_pass' && familyOf(cur.ctx) === 'http' || name === 'grpc_pass';
  if (needsScheme && !scheme) {
    const schemes = name === 'grpc_pass' ? ['grpc://', 'grpcs://'] : ['http://', 'https://'];
    return schemes.filter((x) => x.startsWith(typed.toLowerCase())).map((x) => ({ label: x, kind: 'keyword' as const, detail: 'then an address or an upstream name', start: valStart, end: Math.max(cur.offset, valStart + typed.length), sortText: '0' + x, retrigger: true }));
  }
  const start = valStart + (scheme ? scheme[0].length : 0);
  const rest = input.file.source.text.slice(start, valEnd);
  const host = upstreamHost(rest);
  const end = start + (host ? host.length : 0);
  const stream = familyOf(cur.ctx) === 'stream';
  const out: CompletionEntry[] = [];
  const seen = new Set<string>();
  for (const m of input.models) {
    for (const [up, nodes] of m.upstreams) {
      const n = nodes[0]!;
      if ((n.body === 'stream_upstream') !== stream || seen.has(up)) continue;
      seen.add(up);
      const servers = n.children.filter((c) => c.d.name === 'server').map((c) => c.d.args[0]?.value).filter(Boolean);
      out.push({ label: up, kind: 'upstream', detail: `upstream (${servers.length} server${servers.length === 1 ? '' : 's'})`, documentation: servers.map((s) => `- \`${s}\``).join('\n'), start, end: Math.max(end, Math.min(cur.offset, valEnd)), sortText: '0' + up });
    }
  }
  return out;
}

function namedLocations(models: Model[]): string[] {
  const names = new Set<string>();
  for (const m of models) for (const l of m.locations) {
    const a = l.d.args[0]?.value;
    if (l.d.args.length === 1 && a?.startsWith('@')) names.add(a);
  }
  return [...names].sort();
}

function includePaths(input: CompletionInput, valStart: number, valEnd: number, typed: string): CompletionEntry[] {
  const host = input.host;
  if (!host) return [];
  const slash = typed.lastIndexOf('/');
  const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  if (hasGlob(dirPart)) return [];
  const base = input.confDir ?? '/';
  const dir = dirPart.startsWith('/') ? dirPart || '/' : resolve(base, dirPart || '.');
  const entries = host.listDir(dir) ?? [];
  const start = valStart + dirPart.length;
  const text = input.file.source.text;
  let end = start + Math.max(0, typed.length - dirPart.length);
  while (end < valEnd && !/[\s;"'/]/.test(text[end]!)) end++;
  const out: CompletionEntry[] = [];
  const byExt = new Map<string, number>();
  for (const name of entries.sort()) {
    if (name.startsWith('.') && !typed.slice(dirPart.length).startsWith('.')) continue;
    const full = resolve(dir, name);
    if (host.isDirectory(full)) {
      out.push({ label: name + '/', kind: 'folder', start, end, sortText: '1' + name, retrigger: true });
    } else {
      out.push({ label: name, kind: 'file', start, end, sortText: '2' + name });
      const ext = /\.[A-Za-z0-9]+$/.exec(name)?.[0];
      if (ext) byExt.set(ext, (byExt.get(ext) ?? 0) + 1);
    }
  }
  for (const [ext, count] of byExt) {
    if (count < 2) continue;
    out.push({ label: `*${ext}`, kind: 'file', detail: `${count} files, included in sorted order`, start, end, sortText: '0*' + ext });
  }
  return out;
}

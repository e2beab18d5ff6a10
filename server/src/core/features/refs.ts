// Names that point somewhere: upstream names (in *_pass), named locations (@x), variables ($x,
// ${x}, regex captures) and include paths. Finds what stands at an offset, its definitions and
// its references across a config set (every file of an include graph), and the edits that rename
// an upstream.
import type { Arg, Directive, ParsedFile } from '../syntax/ast';
import { walk } from '../syntax/parser';
import type { ConfigNode, ConfigSet } from '../workspace/config-set';
import type { Model } from '../model/model';
import type { FileHost } from '../host';
import { expandGlob, hasGlob } from '../workspace/glob';
import { resolve } from '../util/path';

export const PASS_DIRECTIVES = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass', 'grpc_pass']);

export interface Span {
  file: string;
  start: number;
  end: number;
}

export type RefKind = 'upstream' | 'named-location' | 'variable' | 'include';

export interface SymbolAt {
  kind: RefKind;
  /** Upstream name, "@name", variable name (lowercase, without "$"), or the include argument. */
  name: string;
  /** The name's own text range (for a variable: the name without "$" and braces). */
  span: Span;
  isDefinition: boolean;
  directive: Directive;
}

/** The host part of an upstream address ("app" in "app:8080/x"), or "" for unix:, [v6] and variables. */
export function upstreamHost(rest: string): string {
  if (/^unix:/i.test(rest) || rest.startsWith('[') || rest.startsWith('$')) return '';
  const m = /^[^:/?\s;"']*/.exec(rest)!;
  return m[0].includes('$') ? '' : m[0];
}

/** The upstream name an address argument of a *_pass directive refers to, with its offsets. */
export function passTarget(text: string, arg: Arg): { name: string; start: number; end: number } | null {
  const q = arg.quote ? 1 : 0;
  const inner = text.slice(arg.start + q, arg.end - (q && text[arg.end - 1] === arg.quote ? 1 : 0));
  const scheme = /^[a-z0-9]+:\/\//i.exec(inner);
  const from = scheme ? scheme[0].length : 0;
  const host = upstreamHost(inner.slice(from));
  if (!host) return null;
  const start = arg.start + q + from;
  return { name: host, start, end: start + host.length };
}

const VAR = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

/** Every "$name" / "${name}" in an argument: the range of the whole reference and of the name. */
export function variableSpans(text: string, arg: Arg): { name: string; start: number; end: number; nameStart: number; nameEnd: number }[] {
  const raw = text.slice(arg.start, arg.end);
  const out: { name: string; start: number; end: number; nameStart: number; nameEnd: number }[] = [];
  for (const m of raw.matchAll(VAR)) {
    const name = m[1] ?? m[2]!;
    if (/^\d+$/.test(name)) continue;
    const start = arg.start + m.index!;
    const nameStart = start + (m[1] !== undefined ? 2 : 1);
    out.push({ name: name.toLowerCase(), start, end: start + m[0].length, nameStart, nameEnd: nameStart + name.length });
  }
  return out;
}

const CAPTURE = /\(\?(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/g;

function captureSpans(text: string, arg: Arg): { name: string; start: number; end: number }[] {
  const raw = text.slice(arg.start, arg.end);
  if (raw.indexOf('(?') < 0) return [];
  return [...raw.matchAll(CAPTURE)].map((m) => {
    const start = arg.start + m.index! + m[0].indexOf(m[1]!);
    return { name: m[1]!.toLowerCase(), start, end: start + m[1]!.length };
  });
}

/** Which argument of a directive defines a variable (set $x, map a $x, geo [a] $x, split_clients a $x ...). */
function definingArg(d: Directive): Arg | undefined {
  const a = d.args;
  if (d.name === 'map' || d.name === 'split_clients') return a[1];
  if (d.name === 'geo') return a.length >= 2 ? a[1] : a[0];
  if (d.name === 'set' || /_(set|var)$/.test(d.name) || /^set_/.test(d.name)) return a[0];
  return undefined;
}

const contains = (start: number, end: number, offset: number): boolean => start <= offset && offset <= end;

/** What named thing stands at an offset of a file. */
export function symbolAt(file: ParsedFile, offset: number): SymbolAt | null {
  const text = file.source.text;
  const path = file.source.path;
  for (const d of walk(file.directives)) {
    if (offset < d.start || offset > d.headEnd) continue;
    for (let i = 0; i < d.args.length; i++) {
      const arg = d.args[i]!;
      if (!contains(arg.start, arg.end, offset)) continue;
      const mk = (kind: RefKind, name: string, start: number, end: number, isDefinition: boolean): SymbolAt => ({ kind, name, span: { file: path, start, end }, isDefinition, directive: d });
      if ((d.name === 'upstream') && i === 0 && d.block) return mk('upstream', arg.value, arg.start + (arg.quote ? 1 : 0), arg.end - (arg.quote ? 1 : 0), true);
      if (d.name === 'include' && i === 0) return mk('include', arg.value, arg.start, arg.end, false);
      for (const v of variableSpans(text, arg)) {
        if (contains(v.start, v.end, offset)) return mk('variable', v.name, v.nameStart, v.nameEnd, definingArg(d) === arg);
      }
      for (const c of captureSpans(text, arg)) {
        if (contains(c.start, c.end, offset)) return mk('variable', c.name, c.start, c.end, true);
      }
      if (PASS_DIRECTIVES.has(d.name) && i === 0) {
        const t = passTarget(text, arg);
        if (t && contains(t.start, t.end, offset)) return mk('upstream', t.name, t.start, t.end, false);
      }
      if (arg.value.startsWith('@') && arg.value.length > 1) {
        const q = arg.quote ? 1 : 0;
        return mk('named-location', arg.value, arg.start + q, arg.end - q, d.name === 'location' && d.args.length === 1);
      }
    }
  }
  return null;
}

/** Nodes of a set once per directive (a file included twice yields its directives twice). */
function uniqueNodes(set: ConfigSet): ConfigNode[] {
  const seen = new Set<Directive>();
  return set.all.filter((n) => (seen.has(n.d) ? false : (seen.add(n.d), true)));
}

function spanKey(s: Span): string {
  return `${s.file}\0${s.start}\0${s.end}`;
}

export function dedupeSpans(spans: Span[]): Span[] {
  const seen = new Set<string>();
  return spans.filter((s) => (seen.has(spanKey(s)) ? false : (seen.add(spanKey(s)), true)));
}

function enclosingServer(n: ConfigNode): ConfigNode | null {
  for (let p = n.parent; p; p = p.parent) if (p.body === 'server') return p;
  return null;
}

function textOf(n: ConfigNode): string {
  return n.file.source.text;
}

/** Where a symbol is defined in a config set. */
export function definitions(set: ConfigSet, model: Model, sym: SymbolAt): Span[] {
  const out: Span[] = [];
  if (sym.kind === 'upstream') {
    for (const n of model.upstreams.get(sym.name) ?? []) {
      const a = n.d.args[0]!;
      out.push({ file: n.file.source.path, start: a.start + (a.quote ? 1 : 0), end: a.end - (a.quote ? 1 : 0) });
    }
  } else if (sym.kind === 'named-location') {
    const defs = model.locations.filter((l) => l.d.args.length === 1 && l.d.args[0]!.value === sym.name);
    const here = uniqueNodes(set).filter((n) => n.d === sym.directive);
    const servers = new Set(here.map(enclosingServer).filter((s): s is ConfigNode => !!s));
    const scoped = servers.size ? defs.filter((l) => { const s = enclosingServer(l); return s && servers.has(s); }) : [];
    for (const l of scoped.length ? scoped : defs) {
      const a = l.d.args[0]!;
      out.push({ file: l.file.source.path, start: a.start + (a.quote ? 1 : 0), end: a.end - (a.quote ? 1 : 0) });
    }
  } else if (sym.kind === 'variable') {
    for (const n of model.definedVariables.get(sym.name) ?? []) {
      const arg = definingArg(n.d);
      const spans = arg ? variableSpans(textOf(n), arg).filter((v) => v.name === sym.name).map((v) => ({ start: v.nameStart, end: v.nameEnd })) : [];
      if (!spans.length) for (const a of n.d.args) spans.push(...captureSpans(textOf(n), a).filter((c) => c.name === sym.name));
      for (const s of spans) out.push({ file: n.file.source.path, ...s });
    }
  }
  return dedupeSpans(out);
}

/** Every use of a symbol in a config set (with its definitions when asked). */
export function references(set: ConfigSet, model: Model, sym: SymbolAt, includeDeclaration: boolean): Span[] {
  const defs = definitions(set, model, sym);
  const defKeys = new Set(defs.map(spanKey));
  const out: Span[] = includeDeclaration ? [...defs] : [];
  const nodes = uniqueNodes(set);
  if (sym.kind === 'upstream') {
    for (const n of nodes) {
      if (!PASS_DIRECTIVES.has(n.d.name) || !n.d.args[0]) continue;
      const t = passTarget(textOf(n), n.d.args[0]);
      if (t && t.name === sym.name) out.push({ file: n.file.source.path, start: t.start, end: t.end });
    }
  } else if (sym.kind === 'named-location') {
    const defNodes = model.locations.filter((l) => defs.some((s) => s.file === l.file.source.path && l.d.args[0]!.start <= s.start && s.end <= l.d.args[0]!.end));
    const servers = new Set(defNodes.map(enclosingServer));
    for (const n of nodes) {
      if (n.d.name === 'location') continue;
      if (servers.size && !servers.has(null) && !servers.has(enclosingServer(n))) continue;
      for (const a of n.d.args) {
        if (a.value !== sym.name) continue;
        const q = a.quote ? 1 : 0;
        out.push({ file: n.file.source.path, start: a.start + q, end: a.end - q });
      }
    }
  } else if (sym.kind === 'variable') {
    for (const n of nodes) {
      for (const a of n.d.args) {
        for (const v of variableSpans(textOf(n), a)) {
          if (v.name !== sym.name) continue;
          const s = { file: n.file.source.path, start: v.nameStart, end: v.nameEnd };
          if (!defKeys.has(spanKey(s))) out.push(s);
        }
      }
    }
  }
  return dedupeSpans(out);
}

/** A valid upstream name for a rename: what ngx_parse_url accepts as a host, without variables. */
export function isValidUpstreamName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name);
}

/** The files an include argument reads, the way nginx expands it (sorted glob matches). */
export function includeTargets(value: string, confDir: string, host: FileHost): string[] {
  const pattern = resolve(confDir, value);
  if (hasGlob(value)) return expandGlob(host, pattern).paths;
  return host.readFile(pattern) !== undefined && !host.isDirectory(pattern) ? [pattern] : [];
}

/** Every include directive of a file with its argument. */
export function includesOf(file: ParsedFile): { d: Directive; arg: Arg }[] {
  const out: { d: Directive; arg: Arg }[] = [];
  for (const d of walk(file.directives)) if (d.name === 'include' && d.args.length === 1 && !d.block) out.push({ d, arg: d.args[0]! });
  return out;
}

// Hover: directive docs (catalog + our notes), variables (built-in or where the config defines
// them), upstream names (their servers), location arguments (what they match and what wins over
// them) and include arguments (the files they read).
import type { BlockKind, Catalog } from '../catalog/catalog';
import { familyOf } from '../catalog/catalog';
import type { FileHost } from '../host';
import type { Model } from '../model/model';
import type { Directive, ParsedFile } from '../syntax/ast';
import { walk } from '../syntax/parser';
import type { ConfigSet } from '../workspace/config-set';
import type { Version } from '../util/version';
import { relative, dirname } from '../util/path';
import { contextOf, enclosingBlocks } from './cursor';
import { builtinVariableMarkdown, directiveMarkdown } from './docs';
import { definitions, includeTargets, symbolAt } from './refs';

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

export interface HoverInput {
  file: ParsedFile;
  offset: number;
  topContext: BlockKind;
  catalog: Catalog;
  version: Version | null;
  units: { set: ConfigSet; model: Model }[];
  host?: FileHost;
  confDir?: string;
}

function where(file: string, text: string, offset: number, from: string): string {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  const rel = relative(dirname(from), file);
  return `${rel}:${line}`;
}

export function hover(input: HoverInput): HoverResult | null {
  const { file, offset, catalog } = input;
  const d = directiveAt(file.directives, offset);
  if (!d) return null;
  const path = file.source.path;
  const enclosing = enclosingBlocks(file, d.start + 0).filter((x) => x !== d);
  const ctx = contextOf(enclosing, input.topContext, catalog);
  if (offset >= d.nameStart && offset <= d.nameEnd) {
    const md = directiveMarkdown(catalog, d.name, ctx, input.version);
    if (!md) return { markdown: `**${d.name}** — not in the directive catalog (nginx ${catalog.versions[0]}–${catalog.versions[catalog.versions.length - 1]}, lua, headers-more, njs, ndk).`, start: d.nameStart, end: d.nameEnd };
    return { markdown: md, start: d.nameStart, end: d.nameEnd };
  }
  const sym = symbolAt(file, offset);
  if (sym?.kind === 'variable') {
    const lines: string[] = [];
    for (const u of input.units) {
      for (const s of definitions(u.set, u.model, sym)) {
        const n = u.model.definedVariables.get(sym.name)?.find((x) => x.file.source.path === s.file && x.d.start <= s.start && s.end <= x.d.end);
        const by = n ? `\`${n.d.name}\`` : 'a directive';
        const line = `Defined by ${by} at ${where(s.file, u.set.files.get(s.file)?.source.text ?? '', s.start, path)}`;
        if (!lines.includes(line)) lines.push(line);
      }
    }
    const builtin = builtinVariableMarkdown(catalog, sym.name, familyOf(ctx), input.version);
    const parts = [builtin ?? `**$${sym.name}**`];
    if (lines.length) parts.push(lines.join('  \n'));
    else if (!builtin) parts.push('Not built in, and not defined by this config (set, map, geo, a regex capture ...).');
    return { markdown: parts.join('\n\n'), start: sym.span.start, end: sym.span.end };
  }
  if (sym?.kind === 'upstream') {
    for (const u of input.units) {
      const nodes = u.model.upstreams.get(sym.name);
      if (!nodes?.length) continue;
      const n = nodes[0]!;
      const servers = n.children.filter((c) => c.d.name === 'server').map((c) => `- \`${c.d.args.map((a) => a.value).join(' ')}\``);
      const other = n.children.filter((c) => c.d.name !== 'server').map((c) => `\`${[c.d.name, ...c.d.args.map((a) => a.value)].join(' ')}\``);
      const md = [
        `**upstream ${sym.name}** (${where(n.file.source.path, n.file.source.text, n.d.start, path)})`,
        servers.length ? servers.join('\n') : 'No `server` entries.',
        other.length ? other.join(', ') : '',
      ].filter(Boolean).join('\n\n');
      return { markdown: md, start: sym.span.start, end: sym.span.end };
    }
    return null;
  }
  if (sym?.kind === 'include' && input.host && input.confDir) {
    const files = includeTargets(sym.name, input.confDir, input.host);
    const md = files.length
      ? `Reads ${files.length} file${files.length === 1 ? '' : 's'}, in this order:\n\n${files.slice(0, 30).map((f) => `- \`${relative(dirname(path), f)}\``).join('\n')}${files.length > 30 ? `\n- … ${files.length - 30} more` : ''}`
      : /[*?[]/.test(sym.name) ? 'The pattern matches no file (nginx accepts that for a glob).' : 'The file does not exist.';
    return { markdown: md, start: sym.span.start, end: sym.span.end };
  }
  if (d.name === 'location' && d.args.some((a) => offset >= a.start && offset <= a.end)) {
    // Siblings as nginx sees them: includes expanded, when the config set has this directive.
    let siblings: Directive[] | undefined;
    for (const u of input.units) {
      const node = u.set.all.find((n) => n.d === d);
      if (node) {
        siblings = (node.parent ? node.parent.children : u.set.main).map((n) => n.d);
        break;
      }
    }
    const md = locationMarkdown(d, siblings);
    if (md) return { markdown: md, start: d.args[0]!.start, end: d.args[d.args.length - 1]!.end };
  }
  if (sym?.kind === 'named-location') {
    const lines: string[] = [];
    for (const u of input.units) for (const s of definitions(u.set, u.model, sym)) {
      const l = `\`location ${sym.name}\` at ${where(s.file, u.set.files.get(s.file)?.source.text ?? '', s.start, path)}`;
      if (!lines.includes(l)) lines.push(l);
    }
    return { markdown: `**${sym.name}**: named location, used only by internal redirects.\n\n${lines.length ? lines.join('  \n') : 'Not defined in this server.'}`, start: sym.span.start, end: sym.span.end };
  }
  return null;
}

/** The innermost directive whose head (name and arguments) contains the offset. */
function directiveAt(list: readonly Directive[], offset: number): Directive | null {
  for (const d of walk(list)) if (offset >= d.start && offset <= d.headEnd) return d;
  return null;
}

type Mod = '' | '=' | '^~' | '~' | '~*';

export function locationArgs(d: Directive): { modifier: Mod; name: string } | null {
  const a = d.args.map((x) => x.value);
  if (a.length === 2 && ['=', '^~', '~', '~*'].includes(a[0]!)) return { modifier: a[0] as Mod, name: a[1]! };
  if (a.length !== 1) return null;
  const n = a[0]!;
  for (const m of ['=', '^~', '~*', '~'] as const) if (n.startsWith(m)) return { modifier: m, name: n.slice(m.length) };
  return { modifier: '', name: n };
}

function label(d: Directive): string {
  return '`location ' + d.args.map((a) => a.value).join(' ') + '`';
}

/** What a location matches and which of its siblings are chosen before it. */
export function locationMarkdown(d: Directive, level?: readonly Directive[]): string | null {
  const me = locationArgs(d);
  if (!me) return null;
  const siblings = (level ?? d.parent?.block?.children ?? []).filter((x) => x !== d && x.name === 'location' && x.block);
  const sib = siblings.map((s) => ({ d: s, a: locationArgs(s) })).filter((x): x is { d: Directive; a: { modifier: Mod; name: string } } => !!x.a);
  const regexes = sib.filter((x) => x.a.modifier === '~' || x.a.modifier === '~*');
  const out: string[] = [];
  const list = (items: typeof sib, max = 8): string => items.slice(0, max).map((x) => `- ${label(x.d)}`).join('\n') + (items.length > max ? `\n- … ${items.length - max} more` : '');
  if (me.name.startsWith('@') && me.modifier === '') {
    out.push(`**Named location** \`${me.name}\`: never matched against request URIs; reached only by internal redirects (\`try_files\`, \`error_page\`, \`post_action\` ...).`);
    return out.join('\n\n');
  }
  if (me.modifier === '=') {
    out.push(`**Exact match**: only the URI \`${me.name}\`. Nothing wins over it: nginx checks exact locations first and stops there.`);
    return out.join('\n\n');
  }
  if (me.modifier === '~' || me.modifier === '~*') {
    out.push(`**Regular expression** (${me.modifier === '~' ? 'case-sensitive' : 'case-insensitive'}): \`${me.name}\`. Regex locations are tried in the order they appear, after the prefix search; the first match wins.`);
    const at = level ? level.indexOf(d) : -1;
    const before = at >= 0 ? regexes.filter((x) => level!.indexOf(x.d) < at) : regexes.filter((x) => x.d.start < d.start);
    const beats: string[] = ['- an exact (`=`) location for the same URI', '- the longest matching prefix location, when it has `^~`', '- a regex location nested inside the longest matching prefix location'];
    out.push('Chosen before it:\n' + beats.join('\n') + (before.length ? `\n- these regex locations above it, when they match:\n${list(before).replace(/^- /gm, '  - ')}` : ''));
    return out.join('\n\n');
  }
  const noregex = me.modifier === '^~';
  out.push(`**Prefix match**${noregex ? ' without regex check (`^~`)' : ''}: URIs starting with \`${me.name}\`. Among prefix locations the longest match is chosen${noregex ? '; when this one is it, regex locations are not tried' : ', then regex locations are tried in order and the first match wins over it'}.`);
  const exact = sib.filter((x) => x.a.modifier === '=' && x.a.name.startsWith(me.name));
  const longer = sib.filter((x) => (x.a.modifier === '' || x.a.modifier === '^~') && !x.a.name.startsWith('@') && x.a.name.startsWith(me.name) && x.a.name.length > me.name.length);
  const lines: string[] = [];
  if (exact.length) lines.push(`Exact locations for these URIs:\n${list(exact)}`);
  if (longer.length) lines.push(`Longer prefixes, for the URIs they match:\n${list(longer)}`);
  if (!noregex && regexes.length) lines.push(`Regex locations at this level, when they match:\n${list(regexes)}`);
  out.push(lines.length ? `Chosen before it:\n\n${lines.join('\n\n')}` : 'No other location at this level wins over it.');
  return out.join('\n\n');
}

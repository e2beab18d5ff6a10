// Rule: invalid-map-body. Entries of map, geo and split_clients blocks, which their own handlers
// read (ngx_http_map, ngx_http_geo, ngx_http_split_clients and the stream twins): a map entry is
// "key value" (or hostnames / volatile) and a key may appear once; a geo entry is a network
// (or range) and a value; split_clients percentages must add up to 100% at most.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { classify, isTemplatePlaceholder } from '../structure';
import { isCidr, isIPv4Range } from '../../values/network';

function entries(block: ConfigNode): ConfigNode[] {
  return block.children.filter((e) => e.d.terminator === ';' && !(e.d.name === 'include' && e.d.args.length === 1));
}

function at(e: ConfigNode): { start: number; end: number } {
  return { start: e.d.start, end: e.d.headEnd };
}

/**
 * The hash entries ngx_hash_add_key makes for a key (lower-cased): with "hostnames", ".example.com"
 * is both the exact name and a head wildcard, "*.example.com" a head and "www.example.*" a tail
 * wildcard. 'invalid' for a wildcard nginx refuses.
 */
function hashEntries(key: string, hostnames: boolean): string[] | 'invalid' {
  const k = key.toLowerCase();
  if (!hostnames) return [`exact:${k}`];
  if ((k.match(/\*/g)?.length ?? 0) > 1 || k.includes('..')) return 'invalid';
  if (k.length > 1 && k.startsWith('.')) return [`exact:${k.slice(1)}`, `head:${k.slice(1)}`];
  if (k.length > 2 && k.startsWith('*.')) return [`head:${k.slice(2)}`];
  if (k.length > 2 && k.endsWith('.*')) return [`tail:${k.slice(0, -1)}`];
  return k.includes('*') ? 'invalid' : [`exact:${k}`];
}

function checkMap(ctx: RuleContext, block: ConfigNode): void {
  let hostnames = false;
  let defaultEntry: ConfigNode | undefined;
  const keys = new Map<string, ConfigNode>();
  for (const e of entries(block)) {
    const key = e.d.name;
    if (e.d.args.length === 0 && (key === 'hostnames' || key === 'volatile')) {
      if (key === 'hostnames') hostnames = true;
      continue;
    }
    if (e.d.args.length !== 1) {
      const hint = e.d.args.length === 0 ? `; "${key}" needs a value` : '; quote a value that contains spaces';
      ctx.report(e, `invalid number of the map parameters${hint}`, at(e));
      continue;
    }
    if (key === 'default') {
      if (defaultEntry) ctx.report(e, 'duplicate default map parameter', { ...at(e), related: [{ file: defaultEntry.file.source.path, ...at(defaultEntry), message: 'the first default' }] });
      else defaultEntry = e;
      continue;
    }
    if (key.startsWith('~') || isTemplatePlaceholder(key)) continue;
    const name = { start: e.d.nameStart, end: e.d.nameEnd };
    const hashed = hashEntries(key.startsWith('\\') ? key.slice(1) : key, hostnames);
    if (hashed === 'invalid') {
      ctx.report(e, `invalid hostname or wildcard "${key}"`, name);
      continue;
    }
    const first = hashed.map((h) => keys.get(h)).find(Boolean);
    if (first) {
      ctx.report(e, `conflicting parameter "${key}"; this key is already mapped`, {
        ...name,
        related: [{ file: first.file.source.path, start: first.d.nameStart, end: first.d.nameEnd, message: 'first mapped here' }],
      });
    } else for (const h of hashed) keys.set(h, e);
  }
}

function checkGeo(ctx: RuleContext, block: ConfigNode, stream: boolean): void {
  let ranges = false;
  for (const e of entries(block)) {
    const key = e.d.name;
    if (e.d.args.length === 0 && (key === 'ranges' || (!stream && key === 'proxy_recursive'))) {
      if (key === 'ranges') ranges = true;
      continue;
    }
    if (e.d.args.length !== 1) {
      ctx.report(e, 'invalid number of the geo parameters', at(e));
      continue;
    }
    if (key === 'default') continue;
    const proxy = !stream && key === 'proxy';
    const net = key === 'delete' || proxy ? e.d.args[0]! : { value: key, start: e.d.nameStart, end: e.d.nameEnd };
    if (isTemplatePlaceholder(net.value)) continue;
    if (ranges && !proxy) {
      if (!isIPv4Range(net.value)) ctx.report(e, `invalid range "${net.value}"; write "first-last", e.g. 10.0.0.0-10.0.0.255`, { start: net.start, end: net.end });
    } else if (net.value !== '255.255.255.255' && !isCidr(net.value)) {
      ctx.report(e, `invalid network "${net.value}"`, { start: net.start, end: net.end });
    }
  }
}

/** Percent in hundredths as ngx_atofp(…, 2) reads it; null when invalid or zero. */
function percent(text: string): number | null {
  const m = /^(\d*)(?:\.(\d{0,2}))?$/.exec(text);
  if (!m || (m[1] === '' && m[2] === undefined)) return null;
  const value = Number(m[1] || '0') * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return value > 0 ? value : null;
}

function checkSplitClients(ctx: RuleContext, block: ConfigNode): void {
  let sum = 0;
  let over: ConfigNode | undefined;
  for (const e of entries(block)) {
    const key = e.d.name;
    let part = 0;
    if (key !== '*') {
      const p = key.endsWith('%') ? percent(key.slice(0, -1)) : null;
      if (p === null) {
        if (!isTemplatePlaceholder(key)) ctx.report(e, `invalid percent value "${key}"`, { start: e.d.nameStart, end: e.d.nameEnd });
        return;
      }
      part = p;
    }
    sum = part ? sum + part : 10000;
    if (sum > 10000 && !over) over = e;
  }
  const close = block.d.block?.end;
  if (!over || close === null || close === undefined) return;
  // nginx names the line of the closing brace, where it adds the parts up
  ctx.report(block, `percent total is greater than 100%`, {
    start: close - 1, end: close,
    related: [{ file: over.file.source.path, ...at(over), message: 'the total passes 100% here' }],
  });
}

export const rule: Rule = {
  id: 'invalid-map-body',
  severity: 'error',
  summary: 'a map, geo or split_clients entry that nginx refuses',
  fix: 'none',
  check(ctx) {
    for (const node of ctx.model.blocks) {
      const { name } = node.d;
      if ((name !== 'map' && name !== 'geo' && name !== 'split_clients') || node.body !== 'data') continue;
      const v = classify(node, ctx.catalog, ctx.version);
      if (v.kind !== 'ok' || v.records.length !== 1) continue;
      const stream = v.records[0]!.family === 'stream';
      if (name === 'map') checkMap(ctx, node);
      else if (name === 'geo') checkGeo(ctx, node, stream);
      else checkSplitClients(ctx, node);
    }
  },
};

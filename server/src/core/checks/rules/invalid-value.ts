// Rule: invalid-value. Values nginx parses while reading the config and rejects: sizes
// ("10g" is not a size), times ("10x"), numbers, enumerations (proxy_http_version 3.0),
// buffer counts and listen ports.
import type { ConfigNode } from '../../workspace/config-set';
import type { Arg } from '../../syntax/ast';
import type { Rule, RuleContext } from '../rule';
import { isTemplatePlaceholder, structureIndex, type Verdict } from '../structure';
import { parseOffset, parseSize } from '../../values/units';
import { ngxParseTime } from '../../values/ngx-time';
import { parseListen } from '../../values/listen';

type Validator = (value: string) => boolean;

const BY_TYPE: Record<string, Validator> = {
  size: (v) => parseSize(v) !== null,
  offset: (v) => parseOffset(v) !== null,
  time_ms: (v) => ngxParseTime(v, false) !== null,
  time_s: (v) => ngxParseTime(v, true) !== null,
  number: (v) => /^\d+$/.test(v),
};

export const rule: Rule = {
  id: 'invalid-value',
  severity: 'error',
  summary: 'a size, time, number, enumeration or port that nginx rejects',
  fix: 'none',
  check(ctx) {
    // one verdict per group of directives of the same shape: the value type is decided once per group
    for (const [v, nodes] of structureIndex(ctx).ok) {
      if (nodes[0]!.d.name === 'listen') {
        for (const node of nodes) checkListen(ctx, node);
        continue;
      }
      const type = new Set(v.records.map((r) => r.valueType)).size === 1 ? v.records[0]!.valueType : null;
      if (type === null || !(type && BY_TYPE[type]) && type !== 'bufs' && !((type === 'enum' || type === 'bitmask') && v.records[0]!.values?.length)) continue;
      for (const node of nodes) checkNode(ctx, node, v, type);
    }
  },
};

function checkNode(ctx: RuleContext, node: ConfigNode, v: Extract<Verdict, { kind: 'ok' }>, type: string | undefined): void {
  const args = node.d.args;
  if (!(type && BY_TYPE[type] && args.length === 1) && !(type === 'bufs' && args.length === 2) && !((type === 'enum' || type === 'bitmask') && v.records[0]!.values?.length)) return;
  if (args.some((a) => isTemplatePlaceholder(a.value))) return;
  if (type && BY_TYPE[type] && args.length === 1) {
    if (!BY_TYPE[type]!(args[0]!.value)) invalid(ctx, node, args[0]!);
  } else if (type === 'bufs' && args.length === 2) {
    if (!/^[1-9]\d*$/.test(args[0]!.value)) invalid(ctx, node, args[0]!);
    else if (!parseSize(args[1]!.value)) invalid(ctx, node, args[1]!);
  } else if ((type === 'enum' || type === 'bitmask') && v.records[0]!.values?.length) {
    const allowed = v.records.flatMap((r) => r.values ?? []).map((x) => x.toLowerCase());
    for (const a of args) {
      if (allowed.includes(a.value.toLowerCase())) continue;
      ctx.report(node, `invalid value "${a.value}" in "${node.d.name}" directive; expected one of: ${[...new Set(v.records.flatMap((r) => r.values ?? []))].join(', ')}`, { start: a.start, end: a.end });
    }
  }
}

function invalid(ctx: RuleContext, node: ConfigNode, arg: Arg): void {
  ctx.report(node, `"${node.d.name}" directive invalid value "${arg.value}"`, { start: arg.start, end: arg.end });
}

function checkListen(ctx: RuleContext, node: ConfigNode): void {
  const arg = node.d.args[0];
  if (!arg || isTemplatePlaceholder(arg.value) || arg.value.includes('$')) return;
  const parsed = parseListen(arg.value);
  if (parsed.invalidPort !== undefined) {
    ctx.report(node, `invalid port${parsed.invalidRange ? ' range' : ''} in "${arg.value}" of the "listen" directive`, { start: arg.start, end: arg.end });
  }
}

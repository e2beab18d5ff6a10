// Rule: upstream-buffers-invalid. Buffer sizes that nginx refuses when it merges the config
// (ngx_http_proxy_merge_loc_conf and its fastcgi/uwsgi/scgi twins): nginx reports them at the
// closing brace of http; we point at the directive that makes the combination invalid. The
// classic case: raising only proxy_buffer_size to 16k, whose default busy size (2 x 16k) then
// exceeds the default "proxy_buffers 8 4k" minus one buffer.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { parseOffset, parseSize } from '../../values/units';
import { insertAfter } from '../../fixes/builders';
import type { Fix } from '../../diagnostic';

const PAGE = 4096;
const PREFIXES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'];
const SUFFIXES = ['_buffer_size', '_buffers', '_busy_buffers_size', '_temp_file_write_size', '_max_temp_file_size'];

const NAMES: Record<string, string[]> = Object.fromEntries(PREFIXES.map((p) => [p, SUFFIXES.map((s) => p + s)]));

interface Setting {
  node: ConfigNode | null;
  value: number;
}

function fmt(bytes: number): string {
  return bytes % 1048576 === 0 ? `${bytes / 1048576}m` : bytes % 1024 === 0 ? `${bytes / 1024}k` : String(bytes);
}

export const rule: Rule = {
  id: 'upstream-buffers-invalid',
  severity: 'error',
  summary: 'proxy/fastcgi/uwsgi/scgi buffer sizes that nginx -t rejects',
  fix: 'all',
  check(ctx) {
    const prefixes = PREFIXES.filter((p) => SUFFIXES.some((s) => ctx.model.uses(p + s)));
    if (prefixes.length === 0) return;
    const levels: (ConfigNode | null)[] = ctx.model.blocks.filter((n) => isLevel(n.body));
    // A snippet analysed alone stands in a server or location: its top level is merged like one.
    const topIsLevel = ctx.set.startContext === 'server' || ctx.set.startContext === 'location';
    if (topIsLevel) levels.push(null);
    for (const level of levels) {
      for (const p of prefixes) {
        // A level that sets none of these inherits its parent level's values: checking it again
        // would only repeat the parent's finding, on the same directive.
        const parentIsLevel = level !== null && (level.parent ? isLevel(level.parent.body) : topIsLevel);
        if (parentIsLevel && !NAMES[p]!.some((name) => ctx.model.directivesIn(level, name).length)) continue;
        checkLevel(ctx, level, p);
      }
    }
  },
};

function isLevel(body: string | null): boolean {
  return body === 'server' || body === 'location' || body === 'if_location' || body === 'limit_except';
}

function setting(ctx: RuleContext, level: ConfigNode | null, name: string, parse: (v: string) => number | null): Setting | 'invalid' | null {
  const node = ctx.model.first(level, name);
  if (!node) return null;
  const v = node.d.args[0] ? parse(node.d.args[0].value) : null;
  return v === null ? 'invalid' : { node, value: v };
}

function checkLevel(ctx: RuleContext, level: ConfigNode | null, p: string): void {
  const size = setting(ctx, level, `${p}_buffer_size`, parseSize);
  const busy = setting(ctx, level, `${p}_busy_buffers_size`, parseSize);
  const temp = setting(ctx, level, `${p}_temp_file_write_size`, parseSize);
  const maxTemp = setting(ctx, level, `${p}_max_temp_file_size`, parseOffset);
  const bufsNode = ctx.model.first(level, `${p}_buffers`) ?? null;
  if (size === 'invalid' || busy === 'invalid' || temp === 'invalid' || maxTemp === 'invalid') return;
  let n = 8;
  let b = PAGE;
  if (bufsNode) {
    const [num, sz] = bufsNode.d.args.map((a) => a.value);
    const parsed = sz === undefined ? null : parseSize(sz);
    if (!num || !/^\d+$/.test(num) || parsed === null) return;
    n = Number(num);
    b = parsed;
  }
  const bufferSize = size?.value ?? PAGE;
  const s = Math.max(bufferSize, b);
  const culprit = (own: Setting | null): ConfigNode | null => own?.node ?? (b >= bufferSize ? bufsNode : size?.node ?? null) ?? bufsNode;
  const why = `(${p}_buffer_size ${fmt(bufferSize)}, ${p}_buffers ${n} ${fmt(b)})`;
  if (n < 2) return report(ctx, bufsNode, `there must be at least 2 "${p}_buffers"`);
  const busySize = busy?.value ?? 2 * s;
  if (busySize < s) {
    return report(ctx, culprit(busy), `"${p}_busy_buffers_size" must be equal to or greater than the maximum of the value of "${p}_buffer_size" and one of the "${p}_buffers" ${why}`);
  }
  if (busySize > (n - 1) * b) {
    const detail = `${busy ? '' : `the default ${p}_busy_buffers_size is ${fmt(busySize)}, `}${n - 1} of ${n} buffers make ${fmt((n - 1) * b)}`;
    const choice = conventionalBuffers(p, { n, b, bufferSize, busy: busy?.value ?? null, temp: temp?.value ?? null, maxTemp: maxTemp?.value ?? null });
    const target = busy?.node ?? bufsNode ?? size?.node ?? null;
    const fix = buffersFix(ctx, level, bufsNode, p, choice);
    return report(ctx, target, `"${p}_busy_buffers_size" must be less than the size of all "${p}_buffers" minus one buffer (${detail}); use e.g. "${p}_buffers ${choice.count} ${fmt(choice.size)}"`, fix);
  }
  if ((temp?.value ?? 2 * s) < s) {
    return report(ctx, culprit(temp), `"${p}_temp_file_write_size" must be equal to or greater than the maximum of the value of "${p}_buffer_size" and one of the "${p}_buffers" ${why}`);
  }
  if (maxTemp && maxTemp.value !== 0 && maxTemp.value < s) {
    report(ctx, maxTemp.node, `"${p}_max_temp_file_size" must be equal to zero to disable temporary files usage or must be equal to or greater than the maximum of the value of "${p}_buffer_size" and one of the "${p}_buffers" ${why}`);
  }
}

function report(ctx: RuleContext, node: ConfigNode | null, message: string, fix?: Fix | null): void {
  if (node) ctx.report(node, message, fix ? { fixes: [fix] } : {});
}

interface Limits {
  /** The current count and size of one buffer (nginx's 8 x one page when not set). */
  n: number;
  b: number;
  bufferSize: number;
  /** Explicit settings (null: nginx's default, derived from the buffer sizes). */
  busy: number | null;
  temp: number | null;
  maxTemp: number | null;
}

/** A "<p>_buffers COUNT SIZE" that nginx accepts, and why it was chosen (for the fix's title). */
interface Choice {
  count: number;
  size: number;
  why: string;
}

/** True when nginx's merge (ngx_http_proxy_merge_loc_conf and twins) accepts COUNT x SIZE buffers. */
function accepted(l: Limits, count: number, size: number): boolean {
  const s = Math.max(l.bufferSize, size);
  const busy = l.busy ?? 2 * s;
  const temp = l.temp ?? 2 * s;
  return count >= 2 && busy >= s && busy <= (count - 1) * size && temp >= s && (l.maxTemp === null || l.maxTemp === 0 || l.maxTemp >= s);
}

const MAX_SIZE = 1024 * 1024;
const MAX_COUNT = 1024;

/**
 * The buffers a person would write: the count kept (nginx's default 8 when not set), each buffer
 * the smallest power of two (so a whole number of pages) that is at least proxy_buffer_size, as
 * in nginx's own default where both are one page: "proxy_buffer_size 16k" gets "proxy_buffers 8
 * 16k". When no such size is accepted (an explicit busy or temp size caps it), the size is kept and
 * the count becomes the smallest power of two that fits. Last resort: just enough buffers.
 */
function conventionalBuffers(p: string, l: Limits): Choice {
  const busyText = `${l.busy === null ? 'the default busy size' : 'the busy size'} ${fmt(l.busy ?? 2 * Math.max(l.bufferSize, l.b))}`;
  for (let size = PAGE; size <= MAX_SIZE; size *= 2) {
    if (size < l.b || size < l.bufferSize || !accepted(l, l.n, size)) continue;
    const shape = size === l.bufferSize ? `as large as ${p}_buffer_size` : 'of the smallest power-of-two size';
    const busy = `${l.busy === null ? 'the default busy size' : 'the busy size'} ${fmt(l.busy ?? 2 * Math.max(l.bufferSize, size))}`;
    return { count: l.n, size, why: `${l.n} buffers ${shape}: ${busy} fits in ${l.n - 1} of them` };
  }
  for (let count = 2; count <= MAX_COUNT; count *= 2) {
    if (count > l.n && accepted(l, count, l.b)) return { count, size: l.b, why: `the smallest power-of-two count of ${fmt(l.b)} buffers: ${busyText} fits in ${count - 1} of them` };
  }
  const count = Math.ceil((l.busy ?? 2 * Math.max(l.bufferSize, l.b)) / l.b) + 1;
  return { count, size: l.b, why: `${busyText} fits in ${count - 1} of them` };
}

/** Sets "<p>_buffers COUNT SIZE": replaces the effective directive when it is in this level, else adds one. */
function buffersFix(ctx: RuleContext, level: ConfigNode | null, bufs: ConfigNode | null, p: string, choice: Choice): Fix | null {
  const line = `${p}_buffers ${choice.count} ${fmt(choice.size)};`;
  if (bufs) {
    return { title: `Use "${line}" (${choice.why})`, isPreferred: true, edits: [{ file: bufs.file.source.path, start: bufs.d.start, end: bufs.d.end, newText: line }] };
  }
  // beside the buffer setting that made the default buffers too small
  const anchor = ctx.model.first(level, `${p}_buffer_size`) ?? ctx.model.first(level, `${p}_busy_buffers_size`);
  if (!anchor) return null;
  return { title: `Add "${line}" (${choice.why})`, isPreferred: true, edits: [insertAfter(anchor, [line])] };
}

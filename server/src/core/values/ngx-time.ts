// An exact port of ngx_parse_time (src/core/ngx_parse.c) for the checks that need nginx's precise
// verdict: units y M w d h m s ms in decreasing order, each at most once, spaces between parts,
// a bare number at the end or after a space; second-based times refuse "ms" and millisecond-based
// ones refuse "y" and "M". Returns seconds or milliseconds, null where nginx says NGX_ERROR.

const MAX = 9223372036854775807n;

const RANK: Record<string, number> = { y: 1, M: 2, w: 3, d: 4, h: 5, m: 6, s: 7, ms: 8 };
const SECONDS: Record<string, bigint> = {
  y: 365n * 24n * 3600n, M: 30n * 24n * 3600n, w: 7n * 24n * 3600n, d: 24n * 3600n, h: 3600n, m: 60n, s: 1n,
};
const LAST = 9;

export function ngxParseTime(text: string, isSec: boolean): number | null {
  let step = isSec ? 0 : RANK.M!;
  let valid = false;
  let value = 0n;
  let total = 0n;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c >= '0' && c <= '9') {
      value = value * 10n + BigInt(c.charCodeAt(0) - 48);
      if (value > MAX) return null;
      valid = true;
      i++;
      continue;
    }
    i++;
    let unit: string;
    let scale: bigint;
    if (c === 'm' && text[i] === 's') {
      if (isSec || step >= RANK.ms!) return null;
      i++;
      unit = 'ms';
      scale = 1n;
    } else if (c === ' ') {
      if (step >= RANK.s!) return null;
      unit = ' ';
      scale = isSec ? 1n : 1000n;
    } else if (Object.hasOwn(SECONDS, c)) {
      // "y" may only start a time (and never in milliseconds); the rest must come in order
      if (c === 'y' ? step > 0 : step >= RANK[c]!) return null;
      unit = c;
      scale = SECONDS[c]! * (isSec ? 1n : 1000n);
    } else {
      return null;
    }
    step = unit === ' ' ? LAST : RANK[unit]!;
    if (value > MAX / scale) return null;
    total += value * scale;
    if (total > MAX) return null;
    value = 0n;
    while (text[i] === ' ') i++;
  }
  if (!valid) return null;
  total += isSec ? value : value * 1000n;
  return total > MAX ? null : Number(total);
}

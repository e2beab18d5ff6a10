// Parsers for nginx's size, offset and time syntax (src/core/ngx_parse.c), returning null when
// nginx would reject the value. Sizes take k/m, offsets also g; times combine units in
// decreasing order ("1h 30m"), a bare number means seconds.

const MAX = Number.MAX_SAFE_INTEGER;

function scaled(text: string, units: Record<string, number>): number | null {
  const m = /^(\d+)([A-Za-z]?)$/.exec(text);
  if (!m) return null;
  const scale = m[2] ? units[m[2]] : 1;
  if (scale === undefined) return null;
  const v = Number(m[1]) * scale;
  return v > MAX ? null : v;
}

/** Bytes for a size ("8k", "1m"); null when invalid. */
export function parseSize(text: string): number | null {
  return scaled(text, { k: 1024, K: 1024, m: 1024 * 1024, M: 1024 * 1024 });
}

/** Bytes for an offset ("1g" allowed); null when invalid. */
export function parseOffset(text: string): number | null {
  return scaled(text, { k: 1024, K: 1024, m: 1 << 20, M: 1 << 20, g: 1 << 30, G: 1 << 30 });
}

const TIME_UNITS: [string, number][] = [
  ['y', 365 * 24 * 3600_000], ['M', 30 * 24 * 3600_000], ['w', 7 * 24 * 3600_000], ['d', 24 * 3600_000],
  ['h', 3600_000], ['m', 60_000], ['s', 1000], ['ms', 1],
];

/** Milliseconds for a time ("30s", "1h 30m", "500ms", "60"); null when invalid. */
export function parseTime(text: string, secondsOnly = false): number | null {
  const re = /(\d+)(ms|[yMwdhms])?\s*/y;
  let pos = 0;
  let total = 0;
  let lastRank = -1;
  let sawBare = false;
  const t = text.trim();
  if (t === '') return null;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (!m) return null;
    if (sawBare) return null;
    const unit = m[2];
    if (unit === undefined) {
      sawBare = true;
      total += Number(m[1]) * 1000;
    } else {
      if (unit === 'ms' && secondsOnly) return null;
      const rank = TIME_UNITS.findIndex(([u]) => u === unit);
      if (rank <= lastRank) return null;
      lastRank = rank;
      total += Number(m[1]) * TIME_UNITS[rank]![1];
    }
    pos = re.lastIndex;
  }
  return total > MAX ? null : total;
}

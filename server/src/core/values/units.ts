// Parsers for nginx's size and offset syntax (src/core/ngx_parse.c), returning null when nginx
// would reject the value. Sizes take k/m, offsets also g. Times: values/ngx-time.ts.

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

// Numbers as nginx's ngx_atoi reads them (src/core/ngx_string.c): decimal digits only, no sign,
// no empty string, nothing above NGX_MAX_INT_T_VALUE (64-bit).

const MAX_INT_T = 9223372036854775807n;

/** The value, or null where ngx_atoi returns NGX_ERROR. */
export function ngxAtoi(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  if (text.length >= 19 && BigInt(text) > MAX_INT_T) return null;
  return Number(text);
}

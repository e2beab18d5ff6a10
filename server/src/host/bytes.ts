// File bytes <-> text without loss. Valid UTF-8 decodes as usual; every byte that is not part of a
// valid UTF-8 sequence (a Latin-1 "\xE9", a stray "\xFF") becomes the lone surrogate U+DC00+byte
// (Python's "surrogateescape"), which valid UTF-8 can never produce. Encoding turns those back into
// the same bytes, so a file edited as text keeps every byte outside the edits.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeBytes(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
}

function decodeEscaping(b: Uint8Array): string {
  const parts: string[] = [];
  let units: number[] = [];
  const flush = (): void => {
    parts.push(String.fromCharCode(...units));
    units = [];
  };
  const n = b.length;
  for (let i = 0; i < n; ) {
    if (units.length > 4096) flush();
    const c = b[i]!;
    if (c < 0x80) {
      units.push(c);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      if (c === 0xe0) lower = 0xa0;
      if (c === 0xed) upper = 0x9f; // no encoded surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      if (c === 0xf0) lower = 0x90;
      if (c === 0xf4) upper = 0x8f;
    }
    let j = 1;
    for (; j <= need; j++) {
      const d = b[i + j];
      if (d === undefined || d < (j === 1 ? lower : 0x80) || d > (j === 1 ? upper : 0xbf)) break;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (need === 0 || j <= need) {
      units.push(0xdc00 | c);
      i++;
      continue;
    }
    if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += need + 1;
  }
  flush();
  return parts.join('');
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The bytes of a text from decodeBytes (escaped bytes back as they were; new text as UTF-8). */
export function encodeText(text: string): Buffer {
  if (isWellFormed(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++; // a pair: plain UTF-8
      continue;
    }
    if (u >= 0xdc80 && u <= 0xdcff) {
      parts.push(Buffer.from(text.slice(from, i), 'utf8'), Buffer.from([u & 0xff]));
      from = i + 1;
    }
  }
  parts.push(Buffer.from(text.slice(from), 'utf8'));
  return Buffer.concat(parts);
}

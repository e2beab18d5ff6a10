// Draws icon.png (128x128, RGBA): a green rounded square with a white "N" and a heartbeat line,
// written as a PNG with node:zlib only. 4x4 supersampling gives smooth edges.
// Usage: node scripts/make-icon.mjs [out.png]
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
const SS = 4;
const out = process.argv[2] ?? fileURLToPath(new URL('../icon.png', import.meta.url));

const GREEN = [0x00, 0x96, 0x39];
const WHITE = [0xff, 0xff, 0xff];
const RED = [0xe5, 0x39, 0x35];

/** Distance from point p to segment a-b. */
function segDist(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inRoundedSquare(x, y) {
  const r = 24, m = 4;
  const cx = Math.max(m + r, Math.min(SIZE - m - r, x));
  const cy = Math.max(m + r, Math.min(SIZE - m - r, y));
  return Math.hypot(x - cx, y - cy) <= r;
}

const N = [[36, 80], [36, 22], [84, 80], [84, 22]]; // the letter as a polyline
const PULSE = [[14, 104], [44, 104], [54, 94], [64, 116], [74, 98], [82, 104], [114, 104]];

function near(poly, x, y, w) {
  for (let i = 0; i + 1 < poly.length; i++) {
    const [ax, ay] = poly[i], [bx, by] = poly[i + 1];
    if (segDist(x, y, ax, ay, bx, by) <= w) return true;
  }
  return false;
}

function colourAt(x, y) {
  if (!inRoundedSquare(x, y)) return null;
  if (near(PULSE, x, y, 4)) return RED;
  if (near(N, x, y, 8)) return WHITE;
  return GREEN;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colourAt(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; a++;
      }
    }
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    if (a) {
      raw[o] = Math.round(r / a);
      raw[o + 1] = Math.round(g / a);
      raw[o + 2] = Math.round(b / a);
    }
    raw[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);

// Property tier for `nginx-doctor fix` as a file writer: random bytes (any byte but CR/LF) on
// comment lines spread through a fixable config, in random file kinds (regular, symlink, hard
// link, read-only), with LF or CRLF, with or without a BOM, random mode (and owner when root).
// Oracle: the same config without the random lines, fixed as a plain file. After `fix`, the
// random lines are byte-identical and in order, removing them gives exactly the twin's result,
// and the file kind, mode and owner are what they were. A read-only file is refused, untouched.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFix } from '../../server/src/cli/fix';
import { FIXTURES } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';
import { counted, params, reportTried } from './gen';

after(reportTried);

const TEMPLATES = [
  readFileSync(join(FIXTURES, 'cli', 'fixable', 'nginx.conf'), 'utf8'),
  'server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:3001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n    }\n}\n',
];
const KINDS = ['regular', 'symlink', 'hardlink', 'readonly'] as const;
const MODES = [0o644, 0o600, 0o640, 0o664, 0o660];

const randomLine = fc.uint8Array({ maxLength: 48 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a && b !== 0x0d)));

const caseArb = fc.record({
  template: fc.integer({ min: 0, max: TEMPLATES.length - 1 }),
  inserts: fc.array(fc.tuple(fc.nat(), randomLine), { maxLength: 8 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  kind: fc.constantFrom(...KINDS),
  mode: fc.constantFrom(...MODES),
  owner: fc.constantFrom(0, 4321),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const MARK = Buffer.from('#~R~ ');

function build(c: Case, withRandom: boolean): Buffer {
  const eol = c.crlf ? '\r\n' : '\n';
  const lines = TEMPLATES[c.template]!.replace(/\n$/, '').split('\n');
  const parts: Buffer[] = c.bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
  const at = new Map<number, Buffer[]>();
  if (withRandom) for (const [slot, bytes] of c.inserts) at.set(slot % (lines.length + 1), [...(at.get(slot % (lines.length + 1)) ?? []), bytes]);
  lines.forEach((line, i) => {
    for (const b of at.get(i) ?? []) parts.push(MARK, b, Buffer.from(eol));
    parts.push(Buffer.from(line + eol));
  });
  for (const b of at.get(lines.length) ?? []) parts.push(MARK, b, Buffer.from(eol));
  return Buffer.concat(parts);
}

/** The lines (with their line ending) that are not random ones, and the random ones. */
function split(b: Buffer): { rest: Buffer; random: Buffer[] } {
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const rest: Buffer[] = bom ? [b.subarray(0, 3)] : [];
  const random: Buffer[] = [];
  let from = bom ? 3 : 0;
  while (from < b.length) {
    const nl = b.indexOf(0x0a, from);
    const end = nl < 0 ? b.length : nl + 1;
    const line = b.subarray(from, end);
    (line.subarray(0, MARK.length).equals(MARK) ? random : rest).push(line);
    from = end;
  }
  return { rest: Buffer.concat(rest), random };
}

function fixIn(path: string): { code: number; err: string } {
  let err = '';
  const code = runFix(['--nginx-version', '1.24.0', path], { out: () => undefined, err: (t) => (err += t) });
  return { code, err };
}

const isRoot = process.getuid?.() === 0;

test('fuzz: fix keeps every byte outside its edits, in every file kind', () => {
  fc.assert(fc.property(caseArb, counted('fix-files', (c: Case) => {
    const tree = tempTree({});
    try {
      // the oracle: the same config without the random lines, as a plain file
      const twinPath = tree.path('twin/conf.d/site.conf');
      mkdirSync(tree.path('twin/conf.d'), { recursive: true });
      writeFileSync(twinPath, build(c, false));
      const twin = fixIn(twinPath);
      const expected = readFileSync(twinPath);

      mkdirSync(tree.path('real'));
      mkdirSync(tree.path('conf/conf.d'), { recursive: true });
      const real = tree.path('real/site.conf');
      const before = build(c, true);
      writeFileSync(real, before);
      chmodSync(real, c.kind === 'readonly' ? 0o444 : c.mode);
      if (isRoot && c.owner) chownSync(real, c.owner, c.owner + 1);
      const given = tree.path('conf/conf.d/site.conf');
      if (c.kind === 'symlink') symlinkSync('../../real/site.conf', given);
      else if (c.kind === 'hardlink') linkSync(real, given);
      else {
        writeFileSync(given, before);
        chmodSync(given, c.kind === 'readonly' ? 0o444 : c.mode);
        if (isRoot && c.owner) chownSync(given, c.owner, c.owner + 1);
      }
      const target = c.kind === 'symlink' || c.kind === 'hardlink' ? real : given;
      const stBefore = statSync(target);
      const r = fixIn(given);
      const after = readFileSync(target);
      const st = statSync(target);

      if (c.kind === 'readonly') {
        assert.ok(!expected.equals(build(c, false)), 'every case has something to fix');
        assert.equal(r.code, 2, r.err);
        assert.match(r.err, /is read-only \(mode 0444\); not written/);
        assert.deepEqual(after, before, 'a read-only file is not touched');
        return;
      }
      assert.equal(r.code, twin.code, `exit code like the twin's: ${r.err}`);
      const { rest, random } = split(after);
      assert.deepEqual(random, split(before).random, 'the random lines are byte-identical, in order');
      assert.deepEqual(rest, expected, 'without the random lines, the result is the twin\'s');
      assert.equal(st.mode & 0o7777, stBefore.mode & 0o7777, 'mode kept');
      assert.deepEqual([st.uid, st.gid], [stBefore.uid, stBefore.gid], 'owner and group kept');
      if (c.kind === 'symlink') {
        assert.ok(lstatSync(given).isSymbolicLink(), 'the link stays a link');
        assert.equal(readlinkSync(given), '../../real/site.conf');
      }
      if (c.kind === 'hardlink') {
        assert.equal(statSync(given).ino, st.ino, 'hard links stay one file');
        assert.equal(st.nlink, 2);
      }
    } finally {
      tree.remove();
    }
  })), params(80));
});

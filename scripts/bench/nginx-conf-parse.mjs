// Reference measurement: the npm `nginx-conf` parser's bare parse of every *.conf file of a tree
// (no include expansion, no checks). Run as its own process so that its wall time and peak RSS
// compare with `nginx-doctor check` (both include Node's start-up).
//   node scripts/bench/nginx-conf-parse.mjs TREE_DIR
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { NginxParser } = require('nginx-conf');
const dir = process.argv[2];
const files = [];
(function walk(d) {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.conf')) files.push(p);
  }
})(dir);
let nodes = 0;
let errors = 0;
for (const f of files) {
  // The callback runs synchronously; a fresh parser per file like nginx-conf's parseFile().
  new NginxParser().parse(readFileSync(f, 'utf8'), (err, tree) => {
    if (err) errors++;
    else nodes += tree.children?.length ?? 0;
  });
}
console.log(JSON.stringify({ files: files.length, topLevel: nodes, errors }));

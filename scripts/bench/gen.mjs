// Deterministic inputs for `npm run bench`: nginx config trees and error logs that reference
// them. No randomness beyond a fixed-seed PRNG, so the same arguments always give the same bytes.
//
//   node scripts/bench/gen.mjs tree OUT_DIR FILES    -> root nginx.conf + FILES site files (~200 directives each)
//   node scripts/bench/gen.mjs single OUT_FILE LINES -> one standalone root config of about LINES lines
//   node scripts/bench/gen.mjs hosting OUT_DIR FILES -> the hosting tree: one site (server block) per file, all on port 80
//   node scripts/bench/gen.mjs log OUT_FILE LINES TREE_FILES [hosting] -> error log of LINES lines for a tree of TREE_FILES files
//
// Trees extend scripts/gen-tree.mjs: IP upstreams only (nginx -t needs no DNS), every location
// form (prefix, =, ~, ~*, ^~, @named, nested), maps, and includes (a glob of site files and a
// shared snippet included from every server).
import { mkdirSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** mulberry32: a tiny deterministic PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOCS_PER_SERVER = 12;

/** Location shapes cycled per server; `uri(f, l)` is a request URI that the location matches. */
export const LOCATION_FORMS = [
  { head: (f, l) => `location /api${l}/`, uri: (f, l) => `/api${l}/orders/${f}` },
  { head: (f, l) => `location = /exact${l}`, uri: (f, l) => `/exact${l}` },
  { head: (f, l) => `location ~ ^/re${l}/(\\d+)$`, uri: (f, l) => `/re${l}/${f}` },
  { head: (f, l) => `location ~* ^/img${l}/(.+)\\.(png|jpe?g)$`, uri: (f, l) => `/img${l}/a${f}.PNG` },
  { head: (f, l) => `location ^~ /static${l}/`, uri: (f, l) => `/static${l}/app.js` },
  { head: (f, l) => `location /nest${l}/`, nested: true, uri: (f, l) => `/nest${l}/x/index.php` },
];

function siteFile(f) {
  let d = 0;
  const lines = [];
  const up = `app_${f}`;
  const port = 10000 + (f % 5000);
  lines.push(`upstream ${up} {`, `    server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;`, `    server 127.0.0.2:${port} backup;`, `    keepalive 16;`, `}`);
  d += 4;
  lines.push(`map $request_uri $cache_${f} {`, `    default off;`, `    ~^/static on;`, `    /exact0 off;`, `}`);
  d += 4;
  for (let s = 0; s < 2; s++) {
    lines.push(`server {`, `    listen ${20000 + f};`, `    server_name site${f}-${s}.example.test www.site${f}-${s}.example.test;`,
      `    root /srv/site${f};`, `    client_max_body_size 10m;`, `    include snippets/proxy.conf;`,
      `    error_page 502 504 @down_${s};`);
    d += 7;
    for (let l = 0; l < LOCS_PER_SERVER; l++) {
      const form = LOCATION_FORMS[l % LOCATION_FORMS.length];
      lines.push(`    ${form.head(f, l)} {`);
      d += 1;
      if (form.nested) {
        lines.push(`        try_files $uri $uri/ @down_${s};`, `        location ~ \\.php$ {`, `            proxy_pass http://${up};`,
          `            proxy_read_timeout 60s;`, `        }`);
        d += 4;
      } else {
        lines.push(`        proxy_pass http://${up};`, `        proxy_http_version 1.1;`, `        proxy_set_header Connection "";`,
          `        proxy_set_header Host $host;`, `        proxy_read_timeout 30s;`, `        limit_req zone=perip burst=20;`);
        d += 6;
      }
      lines.push(`    }`);
    }
    lines.push(`    location @down_${s} {`, `        proxy_pass http://127.0.0.3:${port};`, `    }`, `}`);
    d += 2;
  }
  return { text: lines.join('\n') + '\n', directives: d };
}

const ROOT = `worker_processes 1;
error_log logs/error.log;
events { worker_connections 8192; }
http {
    access_log off;
    variables_hash_max_size 4096;
    server_names_hash_bucket_size 128;
    server_names_hash_max_size 65536;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
    include sites/*.conf;
}
`;
const ROOT_DIRECTIVES = 13;
const SNIPPET = `proxy_connect_timeout 5s;\nproxy_buffers 8 16k;\nproxy_buffer_size 16k;\n`;

/** Writes a tree; returns { files, directives, lines }. The root has no `pid` (the nginx -t reference sets it with -g). */
export function genTree(out, files) {
  mkdirSync(join(out, 'sites'), { recursive: true });
  mkdirSync(join(out, 'snippets'), { recursive: true });
  mkdirSync(join(out, 'logs'), { recursive: true });
  writeFileSync(join(out, 'nginx.conf'), ROOT);
  writeFileSync(join(out, 'snippets', 'proxy.conf'), SNIPPET);
  let directives = ROOT_DIRECTIVES + 3;
  let lines = ROOT.split('\n').length + 3;
  for (let f = 0; f < files; f++) {
    const s = siteFile(f);
    directives += s.directives;
    lines += s.text.split('\n').length - 1;
    writeFileSync(join(out, 'sites', `site${String(f).padStart(5, '0')}.conf`), s.text);
  }
  return { files: files + 2, directives, lines };
}

/** One standalone root config (http block inlined) of about `target` lines; returns { lines, directives, editLine }. */
export function genSingle(outFile, target) {
  mkdirSync(dirname(outFile), { recursive: true });
  const body = [];
  let directives = 8;
  let f = 0;
  while (body.length < target - 12) {
    const s = siteFile(f++);
    directives += s.directives;
    for (const l of s.text.split('\n').slice(0, -1)) body.push('    ' + l);
  }
  const head = ['worker_processes 1;', 'events { worker_connections 1024; }', 'http {', '    access_log off;',
    '    server_names_hash_bucket_size 128;', '    limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;',
    '    proxy_connect_timeout 5s;'];
  const text = [...head, ...body, '}', ''].join('\n');
  writeFileSync(outFile, text);
  return { lines: text.split('\n').length - 1, directives, servers: f * 2 };
}

/**
 * A hosting provider's tree: one site per file, every server on port 80 with its own names (exact,
 * www., every 5th a leading wildcard, every 25th a trailing wildcard, every 50th a regex), so the
 * Host and server: lookups go through nginx's name tables rather than through listen ports.
 * 29 locations per server gives ~212 directives per file: 970 files are ~205k directives.
 */
export const HOSTING_LOCS = 29;
export function hostingNames(f) {
  const names = [`site${f}.example.test`, `www.site${f}.example.test`];
  if (f % 5 === 0) names.push(`*.site${f}.example.test`);
  if (f % 25 === 0) names.push(`site${f}.example.*`);
  if (f % 50 === 0) names.push(`~^(?<sub>[a-z]+)\\.site${f}\\.example\\.org$`);
  return names;
}
function hostingSite(f) {
  let d = 0;
  const up = `app_${f}`;
  const port = 10000 + (f % 5000);
  const lines = [`upstream ${up} {`, `    server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;`, `    server 127.0.0.2:${port} backup;`, `    keepalive 16;`, `}`,
    `map $request_uri $cache_${f} {`, `    default off;`, `    ~^/static on;`, `    /exact0 off;`, `}`,
    `server {`, `    listen 80;`, `    server_name ${hostingNames(f).join(' ')};`, `    root /srv/site${f};`, `    client_max_body_size 10m;`,
    `    include snippets/proxy.conf;`, `    error_page 502 504 @down;`];
  d += 8 + 7;
  for (let l = 0; l < HOSTING_LOCS; l++) {
    const form = LOCATION_FORMS[l % LOCATION_FORMS.length];
    lines.push(`    ${form.head(f, l)} {`);
    d += 1;
    if (form.nested) {
      lines.push(`        try_files $uri $uri/ @down;`, `        location ~ \\.php$ {`, `            proxy_pass http://${up};`, `            proxy_read_timeout 60s;`, `        }`);
      d += 4;
    } else {
      lines.push(`        proxy_pass http://${up};`, `        proxy_http_version 1.1;`, `        proxy_set_header Connection "";`, `        proxy_set_header Host $host;`, `        proxy_read_timeout 30s;`, `        limit_req zone=perip burst=20;`);
      d += 6;
    }
    lines.push(`    }`);
  }
  lines.push(`    location @down {`, `        proxy_pass http://127.0.0.3:${port};`, `    }`, `}`);
  d += 2;
  return { text: lines.join('\n') + '\n', directives: d };
}

/** Writes the hosting tree (one server per site file); returns { files, directives, lines, servers }. */
export function genHostingTree(out, files) {
  mkdirSync(join(out, 'sites'), { recursive: true });
  mkdirSync(join(out, 'snippets'), { recursive: true });
  mkdirSync(join(out, 'logs'), { recursive: true });
  writeFileSync(join(out, 'nginx.conf'), ROOT);
  writeFileSync(join(out, 'snippets', 'proxy.conf'), SNIPPET);
  let directives = ROOT_DIRECTIVES + 3;
  let lines = ROOT.split('\n').length + 3;
  for (let f = 0; f < files; f++) {
    const s = hostingSite(f);
    directives += s.directives;
    lines += s.text.split('\n').length - 1;
    writeFileSync(join(out, 'sites', `site${String(f).padStart(5, '0')}.conf`), s.text);
  }
  return { files: files + 2, directives, lines, servers: files };
}

const CLIENTS = ['10.0.0.7', '10.0.3.41', '192.168.1.20', '172.16.5.9', '203.0.113.50', '198.51.100.23'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'GET'];

/** Failure shapes as in demo/error.log (nginx 1.22 wording). */
const FAILURES = [
  (c) => [`error`, `connect() failed (111: Connection refused) while connecting to upstream`],
  (c) => [`error`, `upstream timed out (110: Connection timed out) while reading response header from upstream`],
  (c) => [`error`, `recv() failed (104: Connection reset by peer) while reading response header from upstream`],
  (c) => [`error`, `upstream prematurely closed connection while reading response header from upstream`],
  (c) => [`error`, `upstream sent too big header while reading response header from upstream`],
  (c) => [`warn`, `upstream server temporarily disabled while connecting to upstream`],
  (c) => [`error`, `no live upstreams while connecting to upstream`],
  (c) => [`info`, `upstream timed out (110: Connection timed out) while proxying upgraded connection`],
];

/**
 * Writes an error log of `count` lines for a tree of `treeFiles` site files: ~75% upstream
 * failures referencing generated servers/URIs/upstreams, ~25% noise (open() failed, buffering
 * warnings, signals, limit_req, a few lines that are not log lines at all).
 */
export function genLog(outFile, count, treeFiles, shape = 'sites') {
  const hosting = shape === 'hosting';
  const locs = hosting ? HOSTING_LOCS : LOCS_PER_SERVER;
  mkdirSync(dirname(outFile), { recursive: true });
  const rnd = prng(0x5eed + count);
  const fd = openSync(outFile, 'w');
  let buf = '';
  let conn = 1;
  let t = Date.UTC(2026, 10, 22, 4, 0, 0) / 1000;
  const pad = (n) => String(n).padStart(2, '0');
  let failures = 0;
  for (let i = 0; i < count; i++) {
    if (i % 7 === 0) t += 1;
    const d = new Date(t * 1000);
    const ts = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const f = Math.floor(rnd() * treeFiles);
    const s = rnd() < 0.5 ? 0 : 1;
    const l = Math.floor(rnd() * locs);
    const uri = LOCATION_FORMS[l % LOCATION_FORMS.length].uri(f, l);
    // hosting: the server: field is the block's first name; Host is that name, www., a name only
    // the leading wildcard takes, or one only the regex takes
    const server = hosting ? `site${f}.example.test` : `site${f}-${s}.example.test`;
    const hv = hosting ? s * 4 + (i % 4) : 0;
    const host = !hosting ? server : hv === 1 ? `www.${server}` : hv === 2 && f % 5 === 0 ? `shop.${server}` : hv === 3 && f % 50 === 0 ? `blog.site${f}.example.org` : server;
    const client = CLIENTS[i % CLIENTS.length];
    const method = METHODS[i % METHODS.length];
    const port = 10000 + (f % 5000);
    const pid = 31316;
    conn += 1 + (i % 3);
    const r = rnd();
    let line;
    if (r < 0.75) {
      const [level, msg] = FAILURES[Math.floor(rnd() * FAILURES.length)]();
      const upIp = rnd() < 0.9 ? '127.0.0.1' : '127.0.0.2';
      line = `${ts} [${level}] ${pid}#${pid}: *${conn} ${msg}, client: ${client}, server: ${server}, request: "${method} ${uri} HTTP/1.1", upstream: "http://${upIp}:${port}${uri}", host: "${host}"`;
      failures++;
    } else if (r < 0.85) {
      line = `${ts} [error] ${pid}#${pid}: *${conn} open() "/srv/site${f}/favicon.ico" failed (2: No such file or directory), client: ${client}, server: ${server}, request: "GET /favicon.ico HTTP/1.1", host: "${host}", referrer: "https://${host}/"`;
    } else if (r < 0.92) {
      line = `${ts} [warn] ${pid}#${pid}: *${conn} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/${i % 10}/00/00000${i % 1000} while reading upstream, client: ${client}, server: ${server}, request: "GET ${uri} HTTP/1.1", upstream: "http://127.0.0.1:${port}${uri}", host: "${host}"`;
    } else if (r < 0.97) {
      line = `${ts} [error] ${pid}#${pid}: *${conn} limiting requests, excess: 20.${i % 1000} by zone "perip", client: ${client}, server: ${server}, request: "GET ${uri} HTTP/1.1", host: "${host}"`;
    } else if (r < 0.99) {
      line = `${ts} [notice] ${pid}#${pid}: signal process started`;
    } else {
      line = `PHP message: stack trace #${i} in /srv/site${f}/index.php:42`;
    }
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return { lines: count, failures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind, out, a, b] = process.argv.slice(2);
  if (kind === 'tree' && out) console.log(JSON.stringify(genTree(out, Number(a ?? 100))));
  else if (kind === 'hosting' && out) console.log(JSON.stringify(genHostingTree(out, Number(a ?? 970))));
  else if (kind === 'single' && out) console.log(JSON.stringify(genSingle(out, Number(a ?? 5000))));
  else if (kind === 'log' && out) console.log(JSON.stringify(genLog(out, Number(a ?? 100000), Number(b ?? 100), process.argv[6] ?? 'sites')));
  else {
    console.error('usage: node scripts/bench/gen.mjs tree OUT_DIR FILES | hosting OUT_DIR FILES | single OUT_FILE LINES | log OUT_FILE LINES TREE_FILES [hosting]');
    process.exit(2);
  }
}

#!/usr/bin/env node
// Real-world measurement (issue #17): nginx configs from public repositories, each judged by the
// real Debian nginx (`nginx -t`) and by `nginx-doctor check --nginx-version <v>`.
//
// The fetched repositories are NOT part of this repository. This script only prepares and judges
// them, in a work directory outside the repo (docs/realworld.md describes the method):
//
//   node scripts/realworld.mjs prepare --mirrors /work/.mirror --work /work/realworld
//   node scripts/realworld.mjs judge   --work /work/realworld [--cli dist/cli.js] [--out results.json]
//   node scripts/realworld.mjs report  --work /work/realworld [--results results.json] [--before results-before.json]
//
// prepare: exports each mirror's newest commit (git archive) and turns its configs into cases, one
//   directory each with a root config nginx can load: nginx-tests style Perl tests (heredocs written
//   to nginx.conf, %%PORT_n%% etc. substituted), Test::Nginx blocks (--- config / http_config /
//   main_config / stream_* sections put into Test::Nginx's own template), config trees (each root
//   with its directory; /etc/nginx/... includes pointed at the tree's own files) and snippets
//   (wrapped in http, server or location by their top-level directives). Line numbers of the
//   original files are kept (module loading is put on line 1 of the root).
// judge: runs nginx -t (with -g 'error_log stderr;' so that messages logged after the config set its
//   own error_log still reach us) in a private mount namespace (root file system read-only, tmpfs on /var and
//   /tmp, an /etc/hosts naming every host nginx asked for), and makes a case standalone step by step
//   where nginx stopped only for the machine: a missing certificate, key, dhparam or included file
//   becomes a stub, a log or temp path moves into the case, an unknown user becomes nobody. What is
//   left is the verdict; then nginx-doctor checks the same prepared files.
// report: the figures (judgeable, accepted, rejected, false errors, rejected caught at nginx's line,
//   misses with nginx's message, warnings per accepted config by rule, a seeded sample of warnings).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

const NGINX = '/usr/sbin/nginx';
const MODULES = ['ndk_http_module', 'ngx_http_lua_module', 'ngx_http_headers_more_filter_module', 'ngx_http_js_module', 'ngx_stream_module', 'ngx_mail_module'];
const MODULES_LOADED = [...MODULES, 'ngx_stream_js_module'];
const LOAD_LINE = MODULES_LOADED.map((m) => `load_module /usr/lib/nginx/modules/${m}.so;`).join(' ') + ' ';
/** Files Debian's nginx package ships under /etc/nginx: an include of them is left as it is. */
const DEBIAN_FILES = new Set(['fastcgi_params', 'fastcgi.conf', 'mime.types', 'proxy_params', 'scgi_params', 'uwsgi_params', 'koi-utf', 'koi-win', 'win-utf', 'snippets/fastcgi-php.conf', 'snippets/snakeoil.conf']);

/** The repositories measured: how their configs are found. `cap` limits cases by an even sample. */
const SOURCES = [
  { repo: 'nginx/nginx-tests', kind: 'perl', dir: '.' },
  { repo: 'nginx/njs', kind: 'perl', dir: 'nginx/t' },
  { repo: 'openresty/lua-nginx-module', kind: 'test-nginx', dir: 't', cap: 450 },
  { repo: 'openresty/stream-lua-nginx-module', kind: 'test-nginx', dir: 't', cap: 150 },
  { repo: 'openresty/headers-more-nginx-module', kind: 'test-nginx', dir: 't' },
  { repo: 'certbot/certbot', kind: 'tree', groups: ['certbot-compatibility-test/nginx/nginx-roundtrip-testdata/*', 'certbot/src/certbot/_internal/tests/plugins/nginx/testdata/etc_nginx'] },
  { repo: 'yandex/gixy', kind: 'tree', groups: ['tests/plugins/simply/*'] },
  { repo: 'nginxinc/crossplane', kind: 'tree', groups: ['tests/configs/*'] },
  { repo: 'h5bp/server-configs-nginx', kind: 'tree', groups: ['.'] },
  { repo: 'perusio/drupal-with-nginx', kind: 'tree', groups: ['.'] },
  { repo: 'pothi/wordpress-nginx', kind: 'tree', groups: ['.'] },
  { repo: 'spinupwp/wordpress-nginx', kind: 'tree', groups: ['.'] },
  { repo: 'magenx/Magento-nginx-config', kind: 'tree', groups: ['.'] },
  // The samples include SWAG's shared files from /config/nginx/: taken from the two images that ship them
  // (resolver.conf is written by the container at start: one line like it).
  { repo: 'linuxserver/reverse-proxy-confs', kind: 'tree', groups: ['.'], support: {
    prefix: '/config/nginx/',
    from: [{ repo: 'linuxserver/docker-swag', dir: 'root/defaults/nginx' }, { repo: 'linuxserver/docker-baseimage-alpine-nginx', dir: 'root/defaults/nginx' }],
    files: { 'resolver.conf': 'resolver 127.0.0.11 valid=30s;\n' },
    // SWAG's own nginx.conf maps $connection_upgrade at http level, where the samples are included
    httpPrelude: "map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
  } },
];

// ---------------------------------------------------------------------------------------------
// small helpers

function flags(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) out[a.slice(2)] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else out._.push(a);
  }
  return out;
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...walk(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

function expandGroup(base, pattern) {
  if (!pattern.endsWith('/*')) return existsSync(join(base, pattern)) ? [join(base, pattern)] : [];
  const parent = join(base, pattern.slice(0, -2));
  if (!existsSync(parent)) return [];
  return readdirSync(parent).sort().map((n) => join(parent, n)).filter((p) => statSync(p).isDirectory());
}

/** Strips comments and quoted strings roughly: enough to see top-level directive names. */
function topLevelNames(text) {
  const names = [];
  let depth = 0;
  let atStart = true;
  let word = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '"' || c === "'") { i++; while (i < text.length && text[i] !== c) { if (text[i] === '\\') i++; i++; } i++; atStart = false; continue; }
    if (c === '{') { if (depth === 0 && word) names.push(word); depth++; atStart = true; word = ''; i++; continue; }
    if (c === '}') { depth = Math.max(0, depth - 1); atStart = true; word = ''; i++; continue; }
    if (c === ';') { if (depth === 0 && word) names.push(word); atStart = true; word = ''; i++; continue; }
    if (/\s/.test(c)) { if (word) atStart = false; i++; continue; }
    if (atStart) { word += c; } i++;
  }
  return names;
}

const HTTP_LEVEL = new Set(['server', 'upstream', 'map', 'geo', 'log_format', 'limit_req_zone', 'limit_conn_zone', 'proxy_cache_path', 'fastcgi_cache_path', 'split_clients', 'lua_shared_dict', 'init_by_lua_block', 'init_by_lua', 'js_import', 'js_include', 'server_names_hash_bucket_size', 'variables_hash_max_size']);
const SERVER_LEVEL = new Set(['location', 'listen', 'server_name', 'ssl_certificate', 'ssl_certificate_key']);

function looksLikeConfig(path, text) {
  if (/\.(t|md|txt|py|sh|js|json|yml|yaml|html|php|pem|key|crt|lua|rst|png|gif|ico|xml|svg|css|toml|ini|cfg|service|j2|tmpl|erb|gitignore)$/i.test(path)) return false;
  if (/(^|\/)(LICENSE|README|Makefile|Dockerfile|CHANGELOG|AUTHORS|\.[^/]+)$/i.test(path)) return false;
  if (/\0/.test(text)) return false;
  return /[;{]\s*$/m.test(text);
}

function isRoot(text) {
  const names = topLevelNames(text);
  return names.includes('http') || names.includes('events') || names.includes('stream') || names.includes('mail');
}

function snippetContext(text) {
  const names = topLevelNames(text);
  if (names.some((n) => HTTP_LEVEL.has(n))) return 'http';
  if (names.some((n) => SERVER_LEVEL.has(n))) return 'server';
  return 'location';
}

function hasOwnModules(text) {
  return /^\s*load_module\b|modules-enabled/m.test(text);
}

/** Puts module loading on the first line, so every line keeps its number. */
function withModules(text) {
  return hasOwnModules(text) ? text : LOAD_LINE + text;
}

/** include /etc/nginx/X -> the tree's own X when it has one; Debian's shipped files stay. */
function pointIncludesAtTree(text, treeRoot) {
  return text.replace(/^(\s*include\s+)(["']?)(\/etc\/nginx\/)([^"';\s]+)\2(\s*;)/gm, (all, pre, q, _etc, rest, semi) => {
    if (DEBIAN_FILES.has(rest)) return all;
    const local = join(treeRoot, rest);
    const globDir = rest.includes('*') ? join(treeRoot, dirname(rest)) : undefined;
    if (existsSync(local) || (globDir && existsSync(globDir))) return `${pre}${q}${local}${q}${semi}`;
    if (rest.startsWith('modules-enabled/')) return all;
    return `${pre}${q}${local}${q}${semi}`;
  });
}

// ---------------------------------------------------------------------------------------------
// prepare

function exportMirror(mirrors, work, repo) {
  const git = join(mirrors, repo.replace('/', '+'), 'repo');
  if (!existsSync(git)) return undefined;
  const commit = execFileSync('git', ['--git-dir', git, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const dest = join(work, 'src', repo.replace('/', '+'));
  if (!existsSync(join(dest, '.commit')) || readFileSync(join(dest, '.commit'), 'utf8') !== commit) {
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    execFileSync('sh', ['-c', 'git --git-dir "$1" archive HEAD | tar -x -C "$2"', 'sh', git, dest]);
    writeFileSync(join(dest, '.commit'), commit);
  }
  return { commit, dest };
}

function evenSample(list, cap) {
  if (!cap || list.length <= cap) return list;
  const step = list.length / cap;
  return Array.from({ length: cap }, (_, i) => list[Math.floor(i * step)]);
}

/** nginx-tests style: $t->write_file_expand('nginx.conf', <<'EOF'); ... EOF */
function perlCases(file, caseDir) {
  const text = readFileSync(file, 'utf8');
  const re = /write_file(?:_expand)?\(\s*'([^']+)'\s*,\s*<<\s*'?(\w+)'?\s*\)\s*;[^\n]*\n([\s\S]*?)\n\2\n/g;
  const files = [];
  for (let m; (m = re.exec(text)); ) files.push({ name: m[1], body: m[3] + '\n' });
  const confs = files.filter((f) => f.name === 'nginx.conf');
  const out = [];
  confs.forEach((conf, n) => {
    const dir = `${caseDir}${confs.length > 1 ? `-${n + 1}` : ''}`;
    const subst = (body) => body
      .replace(/%%TEST_GLOBALS%%/g, '')
      .replace(/%%TEST_GLOBALS_(HTTP|STREAM|MAIL)%%/g, '')
      .replace(/%%PORT_(\d+)(?:_UDP)?%%/g, '$1')
      .replace(/%%TESTDIR%%/g, dir);
    const main = subst(conf.body);
    if (/%%[A-Z_0-9]+%%/.test(main)) return;
    mkdirSync(dir, { recursive: true });
    for (const f of files) {
      if (f === conf || f.name === 'nginx.conf' || f.name.includes('..')) continue;
      mkdirSync(dirname(join(dir, f.name)), { recursive: true });
      writeFileSync(join(dir, f.name), subst(f.body));
    }
    writeFileSync(join(dir, 'nginx.conf'), withModules(main));
    out.push({ dir, root: join(dir, 'nginx.conf') });
  });
  return out;
}

const TN_VARS = (dir) => ({
  SERVER_PORT: '1984', SERVER_SSL_PORT: '1983', CLIENT_PORT: '1984', STREAM_SERVER_PORT: '1985', HTML_DIR: join(dir, 'html'),
  SERVER_ROOT: dir, CONF_DIR: dir, LUA_PACKAGE_PATH: '', LUA_PACKAGE_CPATH: '', RESOLVER: '127.0.0.1', SERVER_ADDR: '127.0.0.1',
});

function tnValue(name, dir) {
  const known = TN_VARS(dir);
  if (name in known) return known[name];
  if (/PORT/.test(name)) return '1990';
  if (/(DIR|ROOT|PATH)$/.test(name)) return dir;
  if (/(HOST|SERVER|ADDR)/.test(name)) return '127.0.0.1';
  return undefined;
}

/** Test::Nginx blocks: === TEST n, then --- sections. */
function testNginxBlocks(file) {
  const text = readFileSync(file, 'utf8');
  const data = text.split(/^__DATA__$/m)[1];
  if (!data) return [];
  const blocks = data.split(/^=== /m).slice(1);
  return blocks.map((b, n) => {
    const sections = {};
    let cur;
    let bad = false;
    for (const line of b.split('\n').slice(1)) {
      const m = /^--- (\w+)(.*)$/.exec(line);
      if (m) {
        cur = m[1];
        if (/\beval\b/.test(m[2])) { if (['config', 'http_config', 'main_config', 'stream_config', 'stream_server_config'].includes(cur)) bad = true; }
        sections[cur] = m[2].replace(/^:\s*/, '').trim() ? [m[2].replace(/^:\s*/, '')] : [];
        continue;
      }
      if (cur) sections[cur].push(line);
    }
    return { n: n + 1, bad, sections: Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.join('\n').replace(/\s+$/, '')])) };
  });
}

function testNginxConfig(block, dir) {
  const s = block.sections;
  const stream = s.stream_server_config !== undefined || s.stream_config !== undefined;
  const http = s.config !== undefined || s.http_config !== undefined;
  if (!stream && !http) return undefined;
  const parts = [LOAD_LINE, 'events { worker_connections 64; }', s.main_config ?? ''];
  if (http) {
    parts.push('http {', '    default_type text/plain;', '    keepalive_timeout 68;', s.http_config ?? '',
      '    server {', '        listen 1984;', "        server_name 'localhost';", '        client_max_body_size 30M;', s.config ?? '', '    }', '}');
  }
  if (stream) parts.push('stream {', s.stream_config ?? '', '    server {', '        listen 1985;', s.stream_server_config ?? '', '    }', '}');
  let text = parts.join('\n') + '\n';
  let missing = false;
  text = text.replace(/\$TEST_NGINX_([A-Z0-9_]+)/g, (all, name) => {
    const v = tnValue(name, dir);
    if (v === undefined) missing = true;
    return v ?? all;
  });
  if (missing || /\$(LuaCpath|LuaPath|::\w+)/.test(text)) return undefined;
  return text;
}

/** Copies a source's support files (shared includes from other repositories) into a case and points the includes at them. */
function withSupport(text, dir, support, mirrorsDest) {
  if (!support) return text;
  const sdir = join(dir, '.support');
  if (!existsSync(sdir)) {
    mkdirSync(sdir, { recursive: true });
    for (const f of support.from) {
      const base = join(mirrorsDest, f.repo.replace('/', '+'), f.dir);
      if (!existsSync(base)) continue;
      for (const file of walk(base)) {
        const rel = relative(base, file).replace(/\.sample$/, '');
        mkdirSync(dirname(join(sdir, rel)), { recursive: true });
        writeFileSync(join(sdir, rel), readFileSync(file));
      }
    }
    for (const [name, body] of Object.entries(support.files ?? {})) writeFileSync(join(sdir, name), body);
  }
  return text.split(support.prefix).join(`${sdir}/`);
}

function treeCases(dest, pattern, caseBase, support, srcRoot) {
  const out = [];
  for (const group of expandGroup(dest, pattern)) {
    const files = walk(group).filter((p) => !/(^|\/)\.[^/]+$/.test(relative(group, p)));
    const configs = files.map((p) => ({ p, text: readFileSync(p, 'latin1') })).filter((f) => looksLikeConfig(f.p, f.text));
    const roots = configs.filter((f) => isRoot(f.text));
    const groupId = relative(dest, group) || '.';
    if (roots.length) {
      for (const r of roots) {
        const id = `${groupId}/${relative(group, r.p)}`.replace(/^\.\//, '');
        const dir = join(caseBase, id.replace(/[^A-Za-z0-9._-]+/g, '_'));
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        cpSync(group, dir, { recursive: true, dereference: false, filter: (src) => !/\/\.git(\/|$)/.test(src) });
        for (const f of walk(dir)) {
          const t = readFileSync(f, 'latin1');
          if (looksLikeConfig(f, t)) writeFileSync(f, pointIncludesAtTree(t, dir), 'latin1');
        }
        const root = join(dir, relative(group, r.p));
        writeFileSync(root, withModules(readFileSync(root, 'latin1')), 'latin1');
        out.push({ id, dir, root, src: relative(dest, r.p) });
      }
    } else {
      for (const f of configs) {
        const id = relative(dest, f.p);
        const dir = join(caseBase, id.replace(/[^A-Za-z0-9._-]+/g, '_'));
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const snippet = join(dir, basename(f.p));
        writeFileSync(snippet, withSupport(pointIncludesAtTree(f.text, dir), dir, support, srcRoot), 'latin1');
        if (support) for (const sf of walk(join(dir, '.support'))) writeFileSync(sf, withSupport(readFileSync(sf, 'latin1'), dir, support, srcRoot), 'latin1');
        const ctx = snippetContext(f.text);
        const inc = `include ${snippet};`;
        const pre = support?.httpPrelude ? `${support.httpPrelude}\n` : '';
        const body = ctx === 'http' ? `http {\n${pre}${inc}\n}` : ctx === 'server' ? `http {\n${pre}server {\nlisten 8000;\n${inc}\n}\n}` : `http {\n${pre}server {\nlisten 8000;\nlocation / {\n${inc}\n}\n}\n}`;
        const root = join(dir, '__wrapper.conf');
        writeFileSync(root, `${LOAD_LINE}\nevents {}\n${body}\n`);
        out.push({ id, dir, root, src: id, snippet: ctx });
      }
    }
  }
  return out;
}

function prepare(opts) {
  const work = resolve(opts.work ?? '/work/realworld');
  const mirrors = resolve(opts.mirrors ?? '/work/.mirror');
  const casesRoot = join(work, 'cases');
  rmSync(casesRoot, { recursive: true, force: true });
  mkdirSync(casesRoot, { recursive: true });
  const manifest = { repos: [], cases: [] };
  for (const src of SOURCES) {
    const got = exportMirror(mirrors, work, src.repo);
    if (!got) { console.error(`skip ${src.repo}: no mirror`); continue; }
    const short = src.repo.replace('/', '+');
    const base = join(casesRoot, short);
    let cases = [];
    if (src.kind === 'perl') {
      const files = readdirSync(join(got.dest, src.dir)).filter((f) => f.endsWith('.t')).sort();
      for (const f of files) {
        for (const c of perlCases(join(got.dest, src.dir, f), join(base, f.replace(/\.t$/, '')))) {
          cases.push({ id: relative(base, c.dir), dir: c.dir, root: c.root, src: join(src.dir, f) });
        }
      }
    } else if (src.kind === 'test-nginx') {
      const all = [];
      for (const f of walk(join(got.dest, src.dir)).filter((p) => p.endsWith('.t'))) {
        for (const b of testNginxBlocks(f)) if (!b.bad) all.push({ f, b });
      }
      for (const { f, b } of evenSample(all, src.cap)) {
        const rel = relative(got.dest, f);
        const dir = join(base, `${rel.replace(/[^A-Za-z0-9._-]+/g, '_')}-${b.n}`);
        const text = testNginxConfig(b, dir);
        if (!text) continue;
        mkdirSync(join(dir, 'html'), { recursive: true });
        writeFileSync(join(dir, 'nginx.conf'), text);
        cases.push({ id: relative(base, dir), dir, root: join(dir, 'nginx.conf'), src: `${rel}#TEST ${b.n}` });
      }
    } else {
      for (const f of src.support?.from ?? []) {
        const sup = exportMirror(mirrors, work, f.repo);
        if (sup) manifest.support = [...(manifest.support ?? []), { repo: f.repo, commit: sup.commit }];
      }
      for (const g of src.groups) cases.push(...treeCases(got.dest, g, base, src.support, join(work, 'src')));
    }
    manifest.repos.push({ repo: src.repo, commit: got.commit, kind: src.kind, cases: cases.length });
    for (const c of cases) manifest.cases.push({ ...c, repo: src.repo });
    console.error(`${src.repo}: ${cases.length} cases`);
  }
  writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest, null, 1));
  console.error(`${manifest.cases.length} cases in ${casesRoot}`);
}

// ---------------------------------------------------------------------------------------------
// judge: nginx -t

function stubs(work) {
  const dir = join(work, 'stub');
  if (existsSync(join(dir, 'dh.pem'))) return dir;
  mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '3650', '-subj', '/CN=stub.test'], { stdio: 'ignore' });
  execFileSync('openssl', ['dhparam', '-dsaparam', '-out', join(dir, 'dh.pem'), '2048'], { stdio: 'ignore' });
  writeFileSync(join(dir, 'empty.conf'), '');
  writeFileSync(join(dir, 'password.txt'), 'stub\n');
  writeFileSync(join(dir, 'ticket.key'), Buffer.alloc(80, 7));
  writeFileSync(join(dir, 'empty.js'), 'export default {};\n');
  return dir;
}

const SANDBOX = `set -e
mount --bind "$CASES" "$CASES"
mount --bind "$HOSTS" /etc/hosts
mount --bind "$RESOLV" /etc/resolv.conf
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /var
mount -t tmpfs tmpfs /run
mkdir -p /var/log/nginx /var/lib/nginx/body /var/lib/nginx/proxy /var/lib/nginx/fastcgi /var/lib/nginx/uwsgi /var/lib/nginx/scgi /var/cache/nginx /var/www/html /var/run /var/lock /run/nginx
mount -o remount,bind,ro /
exec ${NGINX} -t -p "$PREFIX" -c "$CONF" -g 'error_log stderr;'
`;

function runNginx(work, c, hosts) {
  const hostsFile = join(c.dir, '.rw-hosts');
  // each name its own loopback address: two names are two hosts (listen myhost; listen otherhost;)
  writeFileSync(hostsFile, ['127.0.0.1 localhost', '::1 localhost ip6-localhost', ...[...hosts].map((h, i) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1} ${h}`)].join('\n') + '\n');
  const resolv = join(work, 'stub', 'resolv.conf');
  if (!existsSync(resolv)) writeFileSync(resolv, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', SANDBOX], {
    env: { PATH: process.env.PATH, CASES: join(work, 'cases'), HOSTS: hostsFile, RESOLV: resolv, PREFIX: dirname(c.root) + '/', CONF: c.root },
    encoding: 'utf8',
    timeout: 20000,
  });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const lines = text.split('\n');
  const emerg = lines.filter((l) => /\[emerg\]/.test(l)).pop() ?? lines.filter((l) => /\[(error|crit|alert)\]/.test(l)).pop();
  const warns = text.split('\n').filter((l) => /\[warn\]/.test(l)).map((l) => l.replace(/^.*\[warn\] (?:\d+#\d+: )?/, ''));
  if (r.status === 0) return { ok: true, warns };
  if (!emerg) return { ok: false, msg: text.trim().split('\n').pop() ?? `exit ${r.status}`, warns, timeout: r.error?.code === 'ETIMEDOUT' };
  const m = /\[(?:emerg|error|crit|alert)\] (?:\d+#\d+: )?(.*?)(?: in (\/.*):(\d+))?$/.exec(emerg);
  return { ok: false, msg: m[1], file: m[2], line: m[3] ? Number(m[3]) : undefined, warns };
}

function caseFiles(c) {
  return walk(c.dir).filter((f) => !basename(f).startsWith('.rw-')).filter((f) => statSync(f).size < 2e6);
}

/** Replaces a path nginx could not use with `replacement`: on the named line, else wherever it is written. */
function rewritePath(c, p, replacement, file, line) {
  const variants = [p];
  const parts = p.split('/');
  for (let i = 1; i < parts.length - 1; i++) variants.push(parts.slice(i).join('/'));
  const tryFile = (f, onlyLine) => {
    const text = readFileSync(f, 'latin1');
    const lines = text.split('\n');
    const range = onlyLine ? [onlyLine - 1] : lines.map((_, i) => i);
    for (const v of variants) {
      let hit = false;
      for (const i of range) {
        if (lines[i] === undefined) continue;
        const re = new RegExp(`(^|[\\s"'=:])(?:/)?${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s"';]|$)`, 'g');
        if (re.test(lines[i])) { lines[i] = lines[i].replace(re, (all, pre) => `${pre}${replacement}`); hit = true; }
      }
      if (hit) { writeFileSync(f, lines.join('\n'), 'latin1'); return true; }
    }
    return false;
  };
  if (file && existsSync(file) && line && tryFile(file, line)) return true;
  return caseFiles(c).some((f) => tryFile(f));
}

function directiveAt(file, line) {
  if (!file || !line || !existsSync(file)) return '';
  const l = readFileSync(file, 'latin1').split('\n')[line - 1] ?? '';
  return (/^\s*([A-Za-z_][\w]*)/.exec(l) ?? [])[1] ?? '';
}

/** One step that makes the case standalone, or undefined when nginx stopped for a reason in the config. */
function envFix(work, c, r, hosts, n) {
  const s = join(work, 'stub');
  const msg = r.msg ?? '';
  let m;
  if ((m = /^host not found in (?:upstream |resolver )?"([^"]+)"/.exec(msg)) || (m = /^host not found in "([^"]+)" of the/.exec(msg))) {
    let h = m[1].replace(/^\w+:\/\//, '').replace(/\/.*$/, '');
    h = h.startsWith('[') ? h : h.replace(/:\d+$/, '');
    if (hosts.has(h) || !/^[A-Za-z0-9._-]+$/.test(h)) return undefined;
    hosts.add(h);
    return `host ${h}`;
  }
  if ((m = /cannot load certificate key "([^"]+)"/.exec(msg)) || (m = /PEM_read_bio_PrivateKey|cannot load certificate key/.test(msg) && /"([^"]+)"/.exec(msg))) {
    return rewritePath(c, m[1].replace(/^data:.*/, ''), join(s, 'key.pem'), r.file, r.line) ? `key ${m[1]}` : undefined;
  }
  if ((m = /(?:cannot load certificate|SSL_CTX_load_verify_locations\(|SSL_CTX_use_certificate|PEM_read_bio_X509)[^"]*"([^"]+)"/.exec(msg))) {
    return rewritePath(c, m[1], join(s, 'cert.pem'), r.file, r.line) ? `cert ${m[1]}` : undefined;
  }
  if ((m = /(?:PEM_read_bio_DHparams|BIO_new_file)\("([^"]+)"\)/.exec(msg))) {
    const d = directiveAt(r.file, r.line);
    const stub = /dhparam/.test(d) || /DHparams/.test(msg) ? 'dh.pem' : /key/.test(d) ? 'key.pem' : 'cert.pem';
    return rewritePath(c, m[1], join(s, stub), r.file, r.line) ? `${stub} ${m[1]}` : undefined;
  }
  if ((m = /^open\(\) "([^"]+)" failed \((2|13|20|30):/.exec(msg)) || (m = /^fopen\(\) "([^"]+)" failed \((2|13|20|30):/.exec(msg))) {
    const d = directiveAt(r.file, r.line);
    const p = m[1];
    let stub;
    if (d === 'include' || /\.conf$/.test(p)) {
      const name = p.replace(/^.*\/etc\/nginx\//, '');
      stub = DEBIAN_FILES.has(name) ? `/etc/nginx/${name}` : join(s, 'empty.conf');
    } else if (/log$/.test(d) || /\.log$/.test(p)) {
      mkdirSync(join(c.dir, '.logs'), { recursive: true });
      stub = join(c.dir, '.logs', `${n}.log`);
    } else if (d === 'ssl_password_file') stub = join(s, 'password.txt');
    else if (d === 'ssl_session_ticket_key') stub = join(s, 'ticket.key');
    else if (/^js_/.test(d) || /\.m?js$/.test(p)) stub = join(s, 'empty.js');
    else return undefined;
    return rewritePath(c, p, stub, r.file, r.line) ? `file ${p}` : undefined;
  }
  if ((m = /^mkdir\(\) "([^"]+)" failed/.exec(msg))) {
    const d = join(c.dir, '.tmp', String(n));
    mkdirSync(d, { recursive: true });
    return rewritePath(c, m[1].replace(/\/$/, ''), d, r.file, r.line) ? `dir ${m[1]}` : undefined;
  }
  if ((m = /^getpwnam\("([^"]+)"\) failed/.exec(msg)) || (m = /^getgrnam\("([^"]+)"\) failed/.exec(msg))) {
    const who = m[1];
    const isGroup = msg.startsWith('getgrnam');
    for (const f of caseFiles(c)) {
      const t = readFileSync(f, 'latin1');
      const u = t.replace(new RegExp(`^(\\s*user\\s+)(\\S+?)(\\s+\\S+?)?(\\s*;)`, 'm'), (all, pre, user, group, semi) =>
        isGroup ? `${pre}${user} nogroup${semi}` : `${pre}${user === who ? 'nobody' : user}${group ?? ''}${semi}`);
      if (u !== t) { writeFileSync(f, u, 'latin1'); return `user ${who}`; }
    }
    return undefined;
  }
  return undefined;
}

/** Directives of third-party modules that the OpenResty test suites use and Debian's nginx here does not load. */
const THIRD_PARTY = /^(echo|echo_\w+|memc_\w+|redis2?_\w+|srcache_\w+|set_(?!real_ip_from|by_lua)\w+|rds_\w+|drizzle_\w+|postgres_\w+|array_\w+|form_input|iconv_\w+|xss_\w+|encrypted_session_\w+|eval\w*|more_\w+_headers_x|lua_code_cache_x)$/;

/**
 * Refusals that come from Debian's third-party modules being older than the ones catalogued (the
 * newest of each): njs 0.7.9 has no js_access in http, no "nocache" for js_set and no
 * js_preload_object; headers-more 0.34 has no -a. Not judgeable against a catalog of the newest.
 */
const OLDER_MODULE = /^"js_access" directive is not allowed here|^invalid number of arguments in "js_set" directive|^unknown directive "js_preload_object"|^more_set_headers: invalid option name: "-a"/;

/** Reasons nginx refused that say nothing about the config: not judgeable here. */
function notJudgeable(r, catalog) {
  const msg = r.msg ?? '';
  let m;
  if ((m = /^unknown directive "([^"]+)"/.exec(msg)) && catalog.names.has(m[1])) return `module not in Debian's build (${m[1]})`;
  if (m && THIRD_PARTY.test(m[1])) return `third-party module not installed (${m[1]})`;
  if ((m = /^"([^"]+)" directive is not allowed here/.exec(msg)) && catalog.streamLua.has(m[1]) && r.file && /\bstream\s*\{/.test(readFileSync(r.file, 'latin1'))) return `module not in Debian's build (stream lua: ${m[1]})`;
  if (/^dlopen\(\)|^module "\w+" is already loaded/.test(msg)) return 'module loading';
  if (/ test failed$/.test(msg) && !r.file) return 'nginx gave no reason (the njs module failed without a message)';
  if (OLDER_MODULE.test(msg)) return 'third-party module older in Debian (njs 0.7.9, headers-more 0.34)';
  if (/^host not found|could not be resolved/.test(msg)) return 'host name';
  if (/^(open|fopen|mkdir|BIO_new_file|opendir)\(\)|cannot load certificate|getpwnam|getgrnam|PEM_read|SSL_CTX_use|SSL_CTX_load|X509_LOOKUP|crl/.test(msg)) return 'file on the machine';
  if (/^failed to load the 'resty\.core'|lua_load_resty_core|init_by_lua|init_worker_by_lua|lua entry thread|failed to run init/.test(msg)) return 'Lua code run at load time';
  if (r.timeout) return 'timeout';
  return undefined;
}

function catalogNames() {
  const here = dirname(new URL(import.meta.url).pathname);
  const data = JSON.parse(readFileSync(join(here, '..', 'server', 'src', 'core', 'catalog', 'directives.json'), 'utf8'));
  const v = (s) => s.split('.').map(Number).reduce((a, b) => a * 1000 + b, 0);
  const target = v('1.22.1');
  const names = new Set(data.directives.filter((d) => d.source !== 'docs' && (!d.since || v(d.since) <= target) && (!d.until || v(d.until) >= target)).map((d) => d.name));
  const streamLua = new Set(data.directives.filter((d) => d.source === 'stream-lua').map((d) => d.name));
  return { names, streamLua };
}

function judgeNginx(work, c, catalog) {
  const hosts = new Set();
  const fixes = [];
  let r;
  for (let n = 0; n < 25; n++) {
    r = runNginx(work, c, hosts);
    if (r.ok) break;
    const f = envFix(work, c, r, hosts, n);
    if (!f) break;
    fixes.push(f);
  }
  return verdictOf(r, catalog, fixes, hosts);
}

function verdictOf(r, catalog, fixes, hosts) {
  const skip = r.ok ? undefined : notJudgeable(r, catalog);
  return { verdict: r.ok ? 'accept' : skip ? 'skip' : 'reject', why: skip, msg: r.msg, file: r.file, line: r.line, warns: r.warns, fixes, hosts: [...hosts] };
}

// ---------------------------------------------------------------------------------------------
// judge: nginx-doctor

function runDoctor(cli, version, roots) {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--nginx-version', version, ...roots], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 600000 });
  let parsed;
  try { parsed = JSON.parse(r.stdout); } catch { parsed = undefined; }
  return { status: r.status, parsed, stderr: r.stderr };
}

function judgeDoctor(cli, version, cases) {
  const byCase = new Map(cases.map((c) => [`${c.repo}/${c.id}`, { crash: undefined, diags: [] }]));
  const assign = (list, batch) => {
    for (const d of list) {
      const owner = batch.find((c) => resolve(d.file).startsWith(c.dir + '/'));
      if (owner) byCase.get(`${owner.repo}/${owner.id}`).diags.push({ file: resolve(d.file), line: d.line, column: d.column, severity: d.severity, code: d.code, message: d.message });
    }
  };
  for (let i = 0; i < cases.length; i += 40) {
    const batch = cases.slice(i, i + 40);
    const r = runDoctor(cli, version, batch.map((c) => c.root));
    if (r.parsed && (r.status === 0 || r.status === 1)) { assign(r.parsed.diagnostics, batch); continue; }
    for (const c of batch) {
      const one = runDoctor(cli, version, [c.root]);
      if (one.parsed && (one.status === 0 || one.status === 1)) assign(one.parsed.diagnostics, [c]);
      else byCase.get(`${c.repo}/${c.id}`).crash = `exit ${one.status}: ${(one.stderr || '').trim().split('\n').slice(0, 3).join(' | ')}`;
    }
    process.stderr.write(`\r  nginx-doctor ${Math.min(i + 40, cases.length)}/${cases.length}`);
  }
  process.stderr.write('\n');
  return byCase;
}

function judge(opts) {
  const work = resolve(opts.work ?? '/work/realworld');
  const manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8'));
  const here = dirname(new URL(import.meta.url).pathname);
  const cli = resolve(opts.cli ?? join(here, '..', 'dist', 'cli.js'));
  const version = opts['nginx-version'] ?? '1.22.1';
  const only = opts.only ? new RegExp(opts.only) : undefined;
  stubs(work);
  const catalog = catalogNames();
  const cases = manifest.cases.filter((c) => !only || only.test(`${c.repo}/${c.id}`));
  const results = [];
  const cacheFile = join(work, 'nginx-verdicts.json');
  const cache = existsSync(cacheFile) && opts.renginx !== true ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  if (typeof opts.renginx === 'string') for (const k of Object.keys(cache)) if (new RegExp(opts.renginx).test(k)) delete cache[k];
  cases.forEach((c, i) => {
    const key = `${c.repo}/${c.id}`;
    if (!cache[key]) cache[key] = judgeNginx(work, c, catalog);
    else if (cache[key].verdict !== 'accept') cache[key] = verdictOf({ ok: false, msg: cache[key].msg, file: cache[key].file, line: cache[key].line, warns: cache[key].warns }, catalog, cache[key].fixes, new Set(cache[key].hosts));
    if (i % 50 === 0) process.stderr.write(`\r  nginx -t ${i}/${cases.length}`);
  });
  process.stderr.write('\n');
  writeFileSync(cacheFile, JSON.stringify(cache));
  const doctor = judgeDoctor(cli, version, cases);
  for (const c of cases) {
    const key = `${c.repo}/${c.id}`;
    results.push({ key, repo: c.repo, src: c.src, root: c.root, dir: c.dir, nginx: cache[key], doctor: doctor.get(key) });
  }
  const out = resolve(opts.out ?? join(work, 'results.json'));
  writeFileSync(out, JSON.stringify({ cli, version, results }, null, 1));
  console.error(`wrote ${out}`);
}

// ---------------------------------------------------------------------------------------------
// report

/**
 * nginx names the line where it finished reading the statement (the ";" of a directive written on
 * several lines, the "}" of a block it checks at its end); a diagnostic on that statement's first
 * line is at the same place. True when `line` is the error's line, a later line of the same
 * directive, or the closing line of the block the error's directive opens.
 */
function sameStatement(e, line) {
  if (e.line === line) return true;
  if (e.line > line || !existsSync(e.file)) return false;
  const text = readFileSync(e.file, 'latin1');
  const lines = text.split('\n');
  let i = lines.slice(0, e.line - 1).reduce((a, l) => a + l.length + 1, 0) + Math.max(0, (e.column ?? 1) - 1);
  let at = e.line;
  let depth = 0;
  let opened = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') { at++; if (at > line) return false; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; i--; continue; }
    if (c === '"' || c === "'") { const q = c; i++; while (i < text.length && text[i] !== q) { if (text[i] === '\\') i++; if (text[i] === '\n') at++; i++; } continue; }
    if (c === ';' && depth === 0) return at === line;
    if (c === '{') { depth++; opened = true; continue; }
    if (c === '}') { depth--; if (depth <= 0) return opened && at === line; }
  }
  return false;
}

function summarize(results) {
  const s = { runs: results.length, crashes: [], skipped: {}, accepted: 0, rejected: 0, falseErrors: [], caught: 0, misses: [], warnings: {}, warningList: [] };
  for (const r of results) {
    if (r.doctor?.crash) s.crashes.push(`${r.key}: ${r.doctor.crash}`);
    const n = r.nginx;
    if (n.verdict === 'skip') { s.skipped[n.why.replace(/ \(.*\)$/, '')] = (s.skipped[n.why.replace(/ \(.*\)$/, '')] ?? 0) + 1; continue; }
    const diags = r.doctor?.diags ?? [];
    const errors = diags.filter((d) => d.severity === 'error');
    if (n.verdict === 'accept') {
      s.accepted++;
      for (const e of errors) s.falseErrors.push({ key: r.key, src: r.src, at: `${relative(r.dir, e.file)}:${e.line}`, code: e.code, message: e.message });
      for (const d of diags.filter((x) => x.severity !== 'error')) {
        s.warnings[d.code] = (s.warnings[d.code] ?? 0) + 1;
        s.warningList.push({ key: r.key, src: r.src, at: `${relative(r.dir, d.file)}:${d.line}`, file: d.file, line: d.line, severity: d.severity, code: d.code, message: d.message });
      }
    } else {
      s.rejected++;
      const hit = n.file && n.line
        ? errors.some((e) => e.file === resolve(n.file) && sameStatement(e, n.line))
        : errors.length > 0;
      if (hit) s.caught++;
      else {
        const near = errors.find((e) => e.file === resolve(n.file ?? '')) ?? errors[0];
        s.misses.push({ key: r.key, src: r.src, nginx: `${n.msg}${n.line ? ` (${relative(r.dir, n.file)}:${n.line})` : ''}`, doctor: near ? `${near.code} at ${relative(r.dir, near.file)}:${near.line}: ${near.message}` : (diags.length ? `only ${diags.map((d) => d.code).join(', ')}` : 'nothing') });
      }
    }
  }
  return s;
}

function seeded(seed) {
  let x = seed >>> 0;
  return () => { x = (x * 1664525 + 1013904223) >>> 0; return x / 2 ** 32; };
}

function report(opts) {
  const work = resolve(opts.work ?? '/work/realworld');
  const after = JSON.parse(readFileSync(resolve(opts.results ?? join(work, 'results.json')), 'utf8'));
  const s = summarize(after.results);
  const lines = [];
  const judged = s.accepted + s.rejected;
  lines.push(`runs: ${s.runs}, nginx-doctor crashes: ${s.crashes.length}`);
  lines.push(`not judgeable: ${Object.entries(s.skipped).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`judged: ${judged} (accepted ${s.accepted}, rejected ${s.rejected})`);
  lines.push(`false errors on accepted configs: ${s.falseErrors.length} in ${new Set(s.falseErrors.map((f) => f.key)).size} configs`);
  lines.push(`rejected caught at nginx's line: ${s.caught}/${s.rejected} (${s.rejected ? ((100 * s.caught) / s.rejected).toFixed(1) : '-'} %)`);
  const total = Object.values(s.warnings).reduce((a, b) => a + b, 0);
  lines.push(`warnings/info/hints on accepted configs: ${total} (${s.accepted ? (total / s.accepted).toFixed(3) : 0} per config), in ${new Set(s.warningList.map((w) => w.key)).size} configs`);
  if (opts.before) {
    const b = summarize(JSON.parse(readFileSync(resolve(opts.before), 'utf8')).results);
    const bt = Object.values(b.warnings).reduce((a, c) => a + c, 0);
    lines.push(`before: judged ${b.accepted + b.rejected}, false errors ${b.falseErrors.length}, caught ${b.caught}/${b.rejected}, warnings ${bt} (${b.accepted ? (bt / b.accepted).toFixed(3) : 0} per config)`);
    lines.push('', 'warnings by rule (before -> after):');
    for (const code of [...new Set([...Object.keys(b.warnings), ...Object.keys(s.warnings)])].sort()) lines.push(`  ${code}: ${b.warnings[code] ?? 0} -> ${s.warnings[code] ?? 0}`);
  } else {
    lines.push('', 'warnings by rule:');
    for (const [code, n] of Object.entries(s.warnings).sort((a, b) => b[1] - a[1])) lines.push(`  ${code}: ${n}`);
  }
  lines.push('', 'crashes:', ...s.crashes.map((c) => `  ${c}`));
  lines.push('', 'false errors:', ...s.falseErrors.map((f) => `  ${f.key} ${f.at} [${f.code}] ${f.message}`));
  lines.push('', 'misses:', ...s.misses.map((m) => `  ${m.key}\n    nginx: ${m.nginx}\n    doctor: ${m.doctor}`));
  const rand = seeded(Number(opts.seed ?? 17));
  const pool = [...s.warningList];
  const sample = [];
  while (pool.length && sample.length < Number(opts.sample ?? 20)) sample.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  lines.push('', `sample of ${sample.length} warnings (seed ${opts.seed ?? 17}):`);
  for (const w of sample) {
    const text = existsSync(w.file) ? (readFileSync(w.file, 'latin1').split('\n')[w.line - 1] ?? '').trim() : '';
    lines.push(`  ${w.key} ${w.at} ${w.severity} [${w.code}] ${w.message}\n      | ${text}`);
  }
  console.log(lines.join('\n'));
}

const [cmd, ...rest] = process.argv.slice(2);
const opts = flags(rest);
if (cmd === 'prepare') prepare(opts);
else if (cmd === 'judge') judge(opts);
else if (cmd === 'report') report(opts);
else {
  console.error('usage: node scripts/realworld.mjs prepare|judge|report [--work DIR] [--mirrors DIR] [--cli dist/cli.js] [--out FILE] [--results FILE] [--before FILE] [--only REGEX]');
  process.exit(2);
}

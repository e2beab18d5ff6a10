// fast-check generators for nginx-like text: random token soup (every character class the lexer
// cares about) and structured configs (catalog directives, nested blocks, quotes, comments, ${},
// lua blocks, CRLF, BOM, replacement characters for invalid UTF-8), plus log lines.
// Budgets: NGINX_DOCTOR_FUZZ_SECONDS (set by scripts/fuzz.mjs) turns every property into a
// time-boxed long run; otherwise each property runs a small fixed sample so `npm test` stays fast.
import fc from 'fast-check';
import { defaultCatalog } from '../../server/src/core/index';

const SECONDS = Number(process.env.NGINX_DOCTOR_FUZZ_SECONDS ?? '0');
/** Number of properties in the tier; the long run's time is split between them. */
const PROPERTIES = 15;
const SEED = process.env.NGINX_DOCTOR_FUZZ_SEED ? Number(process.env.NGINX_DOCTOR_FUZZ_SEED) : undefined;

/** Inputs tried per property (kept for the report printed by scripts/fuzz.mjs). */
export const tried = new Map<string, number>();

export function params(runs: number): fc.Parameters<unknown> {
  const base: fc.Parameters<unknown> = SEED !== undefined ? { seed: SEED } : {};
  if (SECONDS > 0) {
    return { ...base, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: (SECONDS * 1000) / PROPERTIES, markInterruptAsFailure: false };
  }
  // the bounded sample of `npm test` is deterministic (fixed seed); long runs explore new seeds
  return { seed: 20261122, ...base, numRuns: runs };
}

/** Wraps a predicate so the number of inputs tried is counted. */
export function counted<A extends unknown[]>(name: string, fn: (...a: A) => void): (...a: A) => void {
  return (...a: A) => {
    tried.set(name, (tried.get(name) ?? 0) + 1);
    fn(...a);
  };
}

export function reportTried(): void {
  if (!process.env.NGINX_DOCTOR_FUZZ_REPORT) return;
  for (const [k, v] of tried) process.stderr.write(`fuzz-tried ${k} ${v}\n`);
}

const NAMES = [...defaultCatalog().names()].sort();
const BLOCKS = ['http', 'server', 'location /', 'location ~ ^/api/(.*)$', 'location = /x', 'upstream app', 'events', 'stream', 'if ($host = a)', 'map $uri $m', 'geo $g', 'types', 'limit_except GET', 'split_clients "$x" $y'];
const PIECES = [
  ' ', '  ', '\t', '\n', '\r\n', '\r', ';', '{', '}', '"', "'", '\\', '#', '$', '${', '${var}', '$host', '$1', '{{ .Path }}',
  'proxy_pass', 'http://', 'unix:/tmp/s.sock', 'include', '*.conf', 'location', '~', '~*', '^~', '=', 'server', 'listen', '80',
  'content_by_lua_block', 'access_by_lua_block', '--[[', ']]', '[[', '"a b"', "'c d'", '\u00e9', '\ufffd', '\ufeff', '\u2028',
  '\u0000', '\u001b[2J', '\ud83d\ude00', '\ud800', 'off', 'on', '1k', '10s', 'return', '200', 'if', '(', ')', 'map', 'default',
];

/** Random token soup: pieces the lexer treats specially, glued together. */
export const soup: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 6, unit: 'binary' }) }), { maxLength: 80 })
  .map((parts) => parts.join(''));

const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const word = fc.oneof(
  fc.constantFrom('on', 'off', '80', '443 ssl', '127.0.0.1:8080', 'http://app', 'https://$host$request_uri', 'http://unix:/run/a.sock:',
    '$host', '${host}x', '$http_upgrade', '1m', '30s', 'Host', 'X-Forwarded-For', '$proxy_add_x_forwarded_for', 'utf-8', '/var/www', 'main',
    'upgrade', 'close', '"$remote_addr - $request"', "'single quoted'", '"with \\" escape"', '"${VAR}"', '/etc/nginx/*.conf', '^/(.*)$', '\ufffd\ufffd'),
  ident,
);
const comment = fc.constantFrom('# comment', '# nginx-doctor: disable-next-line', '# nginx-doctor: context server', '#', '# \u001b[31mred', '# {{ x }}');

/** Statements that real rules look at (and fix): proxying, WebSockets, headers, includes, listen. */
const REALISTIC = fc.constantFrom(
  'proxy_pass http://app;', 'proxy_pass http://127.0.0.1:8080/;', 'proxy_pass https://backend;', 'proxy_pass $scheme://$host;',
  'proxy_set_header Upgrade $http_upgrade;', 'proxy_set_header Connection "upgrade";', 'proxy_set_header Host $host;',
  'proxy_http_version 1.1;', 'fastcgi_pass 127.0.0.1:80;', 'include conf.d/*.conf;', 'include /etc/nginx/nginx.conf;', 'include missing.conf;',
  'listen 80 default_server;', 'listen 80 default_server;', 'server_name example.com;', 'upstream app { server 127.0.0.1:8080; }',
  'location /ws { proxy_pass http://app; proxy_set_header Upgrade $http_upgrade; }', 'location ~ ^/(a)$ { proxy_pass http://app/x; }',
  'if ($host ~ ^(www)) { return 301 https://$1; }', 'set $x ${y};', 'return 200 "$undefined_var";', 'proxy_cache zone1;', 'limit_req zone=z;',
  'map $http_upgrade $connection_upgrade { default upgrade; "" close; }', 'ssl_certificate /x.pem;', 'gzip on; gzip on;', 'charset koi8-r;',
);

function statement(depth: number): fc.Arbitrary<string> {
  const simple = fc.tuple(fc.constantFrom(...NAMES), fc.array(word, { maxLength: 4 })).map(([n, a]) => `${[n, ...a].join(' ')};`);
  const lua = fc.constantFrom(
    'content_by_lua_block { ngx.say("}") -- } \n local t = { a = "{" } }',
    'access_by_lua_block { if x then return end }',
    'set_by_lua_block $v { return [[ } ]] }',
  );
  if (depth <= 0) return fc.oneof({ weight: 4, arbitrary: simple }, { weight: 3, arbitrary: REALISTIC }, { weight: 1, arbitrary: comment }, { weight: 1, arbitrary: lua });
  const block = fc
    .tuple(fc.oneof(fc.constantFrom(...BLOCKS), fc.constantFrom(...NAMES)), fc.array(statement(depth - 1), { maxLength: 5 }))
    .map(([head, body]) => `${head} {\n${body.map((s) => `  ${s.replace(/\n/g, '\n  ')}`).join('\n')}\n}`);
  return fc.oneof({ weight: 3, arbitrary: simple }, { weight: 3, arbitrary: REALISTIC }, { weight: 1, arbitrary: comment }, { weight: 1, arbitrary: lua }, { weight: 3, arbitrary: block });
}

/** A structured nginx-like config, sometimes damaged (a character dropped or inserted), with CRLF/BOM variants. */
export const config: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(statement(4), { maxLength: 8 }),
    fc.boolean(),
    fc.boolean(),
    fc.option(fc.tuple(fc.nat(), fc.constantFrom('', ';', '{', '}', '"', "'", '\\', '\ufffd', '$', '#', '\n')), { freq: 3 }),
  )
  .map(([stmts, crlf, bom, damage]) => {
    let t = stmts.join('\n') + '\n';
    if (damage) {
      const at = damage[0] % (t.length + 1);
      t = t.slice(0, at) + damage[1] + t.slice(at + (damage[1] === '' ? 1 : 0));
    }
    if (crlf) t = t.replace(/\r?\n/g, '\r\n');
    return (bom ? '\ufeff' : '') + t;
  });

/** Either kind of input. */
export const anyConfig: fc.Arbitrary<string> = fc.oneof(config, soup);

const ts = fc.constantFrom('2024/05/01 12:00:00', '2024/13/99 99:99:99', '');
export const errorLine = fc
  .tuple(ts, fc.constantFrom('error', 'crit', 'warn', 'notice', 'bogus'), fc.nat(99999), fc.constantFrom(
    'connect() failed (111: Connection refused) while connecting to upstream',
    'upstream timed out (110: Connection timed out) while reading response header from upstream',
    'upstream prematurely closed connection while reading response header from upstream',
    'no live upstreams while connecting to upstream',
    'FastCGI sent in stderr: "PHP message: x\u001b[2J" while reading response header from upstream',
    '',
  ), fc.constantFrom('', ', client: 10.0.0.1, server: example.com, request: "GET /api/x HTTP/1.1", upstream: "http://127.0.0.1:8080/api/x", host: "example.com"',
    ', client: 1.2.3.4, server: , request: "GET \u001b[2J HTTP/1.1", upstream: "unix:/x.sock:", host: "a:80"', ', client: ', ', request: "'), soup)
  .map(([t, lvl, pid, msg, ctx, junk]) => `${t} [${lvl}] ${pid}#0: *1 ${msg}${ctx}${junk.length % 3 === 0 ? junk : ''}`);
export const accessLine = fc
  .tuple(fc.constantFrom('127.0.0.1', '::1', '-', ''), fc.constantFrom('GET / HTTP/1.1', 'POST /api/x?y=1 HTTP/2.0', '\u001b[2J', '-', ''), fc.constantFrom('502', '504', '200', 'abc', ''), soup)
  .map(([ip, req, st, junk]) => `${ip} - - [01/May/2024:12:00:00 +0000] "${req}" ${st} 0 "-" "curl/8"${junk.length % 2 ? junk : ''}`);
export const logLine: fc.Arbitrary<string> = fc.oneof(errorLine, accessLine, soup);

// A seeded generator of random nginx configs and requests for the differential oracle:
// several servers on a few loopback ports (specific and wildcard listens, default_server), every
// server_name form, every location form with nesting, regex order, named and internal locations,
// rewrites and error_page redirects; requests aimed at the precedence edge cases (percent-encoding,
// double slashes, dot segments, case, unknown hosts, absolute targets, invalid requests).
//
// Every location (and every server, for requests no location takes) answers with a tag of itself:
// `add_header X-Loc Lnn always;` plus `return 200` or a proxy_pass to a closed port (502).

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface GenLocation {
  tag: string;
  modifier: '' | '=' | '^~' | '~' | '~*';
  name: string;
  /** Strings that should reach this location's pattern (for regexes: examples that match). */
  probes: string[];
  children: GenLocation[];
  proxy: boolean;
}

export interface GenServer {
  tag: string;
  names: string[];
  listens: { addr: string | null; port: number; def: boolean }[];
  locations: GenLocation[];
  /** Sample hosts that should (or might) select this server. */
  hostProbes: string[];
}

export interface GenConfig {
  text: string;
  servers: GenServer[];
  ports: number[];
  /** Every (addr, port) requests may go to, including ones nothing listens on. */
  targets: { addr: string; port: number }[];
  probes: string[];
}

export interface GenRequest {
  addr: string;
  port: number;
  /** Host header value, or null for an HTTP/1.0 request without one. */
  host: string | null;
  target: string;
  http10: boolean;
}

const SEGMENTS = ['a', 'b', 'ab', 'img', 'api', 'x.y', 'A', 'a-b', 'c', 'static', 'v1', 'php', 'é', 'a b', 'p%41', 'Ab'];
const REGEXES: { re: string; probes: string[]; ci?: boolean }[] = [
  { re: '\\.php$', probes: ['/x.php', '/a/b.php', '/a/x.PHP', '/p.php/', '/y.php\n'] },
  { re: '\\.(gif|jpg|png)$', probes: ['/img/x.gif', '/a.jpg', '/b/c.PNG', '/x.jpeg'] },
  { re: '^/a/', probes: ['/a/', '/a/x', '/A/x'] },
  { re: '^/a(?:/|$)', probes: ['/a', '/a/', '/ab'] },
  { re: '/b/', probes: ['/a/b/', '/b/x', '/ab/b/c'] },
  { re: '^/(?<first>[a-z]+)/c$', probes: ['/a/c', '/ab/c', '/A/c', '/a/b/c'] },
  { re: '^/(?P<seg>[a-z0-9]+)/v1', probes: ['/api/v1/x', '/x/v1', '/x/V1'] },
  { re: '(?i)^/static/', probes: ['/static/x', '/STATIC/y', '/Static'] },
  { re: '^/api/(v\\d+)/', probes: ['/api/v1/', '/api/v22/x', '/api/vx/'] },
  { re: '\\d{2,}', probes: ['/a/12', '/1/x', '/v1/22'] },
  { re: '^/[^/]+\\.y', probes: ['/x.y', '/x.y/z', '/a/x.y'] },
  { re: 'a{2}|b{3}', probes: ['/aa', '/bbb', '/ab'] },
  { re: '^/img/.*\\.(gif|jpg)$', probes: ['/img/a.gif', '/img/b/c.jpg', '/img/x.png'] },
  { re: '^/x\\.y$', probes: ['/x.y', '/xzy', '/x.y/'] },
  { re: '[[:upper:]]', probes: ['/A', '/a', '/aB'] },
  { re: '^/(a|b)+$', probes: ['/abab', '/a', '/ac'] },
  { re: '\\.PHP$', probes: ['/x.php', '/x.PHP'] },
  { re: '/$', probes: ['/', '/a/', '/a'] },
  { re: '^/a/b', probes: ['/a/b', '/a/bc', '/a//b'] },
  { re: '%', probes: ['/a%25b', '/a%b'] },
  { re: '^/(?:api|img)(?=/)', probes: ['/api/x', '/img/', '/api'] },
  { re: '\\w+\\.\\w+$', probes: ['/x.y', '/a/b.c'] },
  { re: '^/a-b\\b', probes: ['/a-b', '/a-bc', '/a-b/'] },
  { re: '(?i:A)/b', probes: ['/a/b', '/A/b', '/a/B'] },
  { re: '^/c++', probes: ['/c', '/cc'] },
  { re: '^/v1/?$', probes: ['/v1', '/v1/', '/v1/x'] },
  { re: '^/.$', probes: ['/é', '/a', '/%C3%A9', '/%e9'] },
  { re: '^/é', probes: ['/é', '/%C3%A9x', '/É'] },
  { re: '^/\\xc3', probes: ['/é', '/%c3'] },
  { re: 'É', probes: ['/É', '/é'] },
  { re: '^/a b', probes: ['/a%20b', '/a b', '/a+b'] },
  { re: '^/(\\w)\\1', probes: ['/aa', '/ab', '/AA'] },
  { re: '^/(?<w>[a-z])\\k<w>', probes: ['/bb', '/ba'] },
  { re: '[^\\x00-\\x7f]', probes: ['/é', '/e'] },
  { re: '\\s', probes: ['/a%20b', '/a%09', '/a%A0'] },
  { re: '^/(?>a+)b', probes: ['/aab', '/ab', '/b'] },
  { re: '(?x) ^/ a  b  # comment', probes: ['/ab', '/a b'] },
  { re: '\\Q.+\\E', probes: ['/.+', '/ab'] },
  { re: '^/[[:alpha:]]+$', probes: ['/abc', '/ab1'] },
  { re: '^/[]a]', probes: ['/]', '/a', '/b'] },
  { re: '\\x2e', probes: ['/a.b', '/ab'] },
  { re: 'php$|PHP$', probes: ['/x.php', '/x.PHP', '/x.Php'] },
  { re: '^/\\d+$', probes: ['/123', '/12a', '/%31'] },
];
const DOMAINS = ['a.test', 'b.test', 'ex.test', 'sub.a.test', 'www.ex.test', 'shop.test', 'deep.sub.a.test', 'www.shop.test'];
const REGEX_NAMES: { re: string; probes: string[] }[] = [
  { re: '~^(?<s>[a-z]+)\\.re\\.test$', probes: ['x.re.test', 'abc.re.test', 'a1.re.test', 're.test'] },
  { re: '~^www\\d*\\.', probes: ['www.foo.test', 'www2.bar.test', 'wwwx.test'] },
  { re: '~RE\\.TEST$', probes: ['x.re.test', 'y.RE.test'] },
  { re: '~^(?P<n>api|app)-\\w+\\.test$', probes: ['api-1.test', 'app-x.test', 'apx-1.test'] },
  { re: '~^(www\\.)?(?<d>[a-z]+)\\.test$', probes: ['www.shop.test', 'shop.test', 'a.b.test'] },
  { re: '~^.{1,3}$', probes: ['ab', 'abcd', 'x'] },
  { re: '~\\.ex\\.test$', probes: ['q.ex.test', 'ex.test', 'w.w.ex.test'] },
];

/**
 * `closedPorts`: ports nothing listens on; server N proxies to closedPorts[N % length] (directly or
 * through its own upstream group), so error-log lines of different servers usually differ in the
 * upstream field, as in real deployments.
 */
export function generateConfig(rng: Rng, ports: number[], closedPorts: number[], opts: { servers?: number } = {}): GenConfig {
  let tagN = 0;
  const servers: GenServer[] = [];
  const nServers = opts.servers ?? 3 + rng.int(5);
  const defaults = new Set<string>();
  const lines: string[] = [];
  const probes: string[] = [];
  const upstreamLines: string[] = [];
  const namedTags: string[] = [];
  for (let s = 0; s < nServers; s++) {
    const server: GenServer = { tag: `S${s + 1}`, names: [], listens: [], locations: [], hostProbes: [] };
    const closedPort = closedPorts[s % closedPorts.length]!;
    const upstreams = [`g${s + 1}`];
    upstreamLines.push(`  upstream g${s + 1} { server 127.0.0.1:${closedPort}; }`);
    // listens
    const nListen = rng.chance(0.25) ? 2 : 1;
    const used = new Set<string>();
    for (let k = 0; k < nListen; k++) {
      const port = rng.pick(ports);
      const addr = rng.pick<string | null>([null, '127.0.0.1', '127.0.0.1', '127.0.0.2']);
      const key = `${addr ?? '*'}:${port}`;
      if (used.has(key)) continue;
      used.add(key);
      const def = !defaults.has(key) && rng.chance(0.25);
      if (def) defaults.add(key);
      server.listens.push({ addr, port, def });
    }
    // names
    const nNames = rng.int(4);
    for (let k = 0; k < nNames; k++) {
      const d = rng.pick(DOMAINS);
      const form = rng.int(10);
      let name: string;
      if (form <= 2) {
        name = d;
        server.hostProbes.push(d);
      } else if (form === 3) {
        name = `*.${d}`;
        server.hostProbes.push(`x.${d}`, `y.z.${d}`, d);
      } else if (form === 4) {
        name = `.${d}`;
        server.hostProbes.push(d, `w.${d}`);
      } else if (form === 5) {
        const head = d.split('.')[0]!;
        name = `${head}.*`;
        server.hostProbes.push(`${head}.org`, `${head}.x.y`, head);
      } else if (form === 6) {
        const r = rng.pick(REGEX_NAMES);
        name = r.re;
        server.hostProbes.push(...r.probes);
      } else if (form === 7) {
        name = rng.pick(['_', '""', 'localhost']);
        server.hostProbes.push(name === '""' ? '' : name);
      } else if (form === 8) {
        name = d.toUpperCase().replace('TEST', 'Test');
        server.hostProbes.push(d);
      } else {
        name = `www.${d}`;
        server.hostProbes.push(`www.${d}`);
      }
      server.names.push(name);
    }
    const body: string[] = [];
    for (const l of server.listens) body.push(`listen ${l.addr ? `${l.addr}:` : ''}${l.port}${l.def ? ' default_server' : ''};`);
    if (server.names.length) body.push(`server_name ${server.names.map((n) => (n === '""' ? n : quoteArg(n))).join(' ')};`);
    body.push(`add_header X-Loc ${server.tag} always;`);
    body.push('root /nonexistent-nginx-doctor-oracle;');
    if (rng.chance(0.15)) body.push('merge_slashes off;');
    // named locations first (they may be targets of error_page)
    const named: GenLocation[] = [];
    for (let k = 0; k < rng.int(3); k++) {
      const tag = `L${++tagN}`;
      named.push({ tag, modifier: '', name: `@n${s + 1}_${k}`, probes: [], children: [], proxy: rng.chance(0.3) });
    }
    if (named.length && rng.chance(0.6)) body.push(`error_page 418 = ${rng.pick(named).name};`);
    else if (rng.chance(0.4)) body.push(`error_page 418 ${quoteArg(`/${rng.pick(SEGMENTS)}/e418`)};`);
    if (rng.chance(0.08)) body.push(`rewrite ^/srv/(.*)$ /$1 last;`);
    if (rng.chance(0.03)) body.push(`return 200 "${server.tag}";`);
    const top = genLevel(rng, null, 0, () => `L${++tagN}`, 3 + rng.int(9));
    server.locations = [...top, ...named];
    for (const loc of server.locations) body.push(...emitLocation(rng, loc, closedPort, upstreams, '  ').map((x) => x));
    for (const loc of flatten(server.locations)) probes.push(...loc.probes);
    namedTags.push(...named.map((n) => n.tag));
    lines.push('  server {', ...body.map((b) => (b.startsWith('  ') ? `  ${b}` : `    ${b}`)), '  }');
    servers.push(server);
  }
  const text = [
    'worker_processes 1;',
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    '  server_names_hash_bucket_size 128;',
    '  proxy_connect_timeout 2s;',
    ...upstreamLines,
    ...lines,
    '}',
    '',
  ].join('\n');
  const targets: { addr: string; port: number }[] = [];
  for (const p of ports) for (const a of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) targets.push({ addr: a, port: p });
  return { text, servers, ports, targets, probes };
}

function flatten(locs: GenLocation[]): GenLocation[] {
  return locs.flatMap((l) => [l, ...flatten(l.children)]);
}

function randomPrefix(rng: Rng): string {
  const n = rng.int(4);
  let s = '';
  for (let i = 0; i < n; i++) s += `/${rng.pick(SEGMENTS)}`;
  if (n === 0 || rng.chance(0.4)) s += '/';
  if (rng.chance(0.03)) s = s.slice(1) || 'a'; // a name without a leading "/" never matches
  return s;
}

function genLevel(rng: Rng, parent: GenLocation | null, depth: number, tag: () => string, count: number): GenLocation[] {
  const out: GenLocation[] = [];
  const statics = new Set<string>();
  for (let i = 0; i < count; i++) {
    const kind = rng.int(10);
    let modifier: GenLocation['modifier'];
    let name: string;
    let probes: string[] = [];
    const parentIsRegex = parent && (parent.modifier === '~' || parent.modifier === '~*');
    if (parentIsRegex || kind >= 7) {
      const r = rng.pick(REGEXES);
      modifier = rng.chance(0.35) ? '~*' : '~';
      name = r.re;
      probes = r.probes;
    } else {
      modifier = kind <= 3 ? '' : kind <= 5 ? '=' : '^~';
      const base = parent ? parent.name : '';
      name = parent ? base + (rng.chance(0.15) ? '' : rng.pick(['/', 'b', '/b', 'x/', '.php', '/c/', 'b/'])) : randomPrefix(rng);
      if (name.startsWith('//')) name = name.slice(1);
      const key = `${modifier === '=' ? '=' : 'p'}${name}`;
      if (statics.has(key)) continue;
      statics.add(key);
      probes = [name, name.replace(/\/$/, ''), `${name}x`, `${name}/y.php`];
    }
    const loc: GenLocation = { tag: tag(), modifier, name, probes, children: [], proxy: rng.chance(0.3) };
    if (depth < 2 && modifier !== '=' && rng.chance(0.3)) {
      loc.children = genLevel(rng, loc, depth + 1, tag, 1 + rng.int(3));
    }
    out.push(loc);
  }
  return out;
}

function quoteArg(s: string): string {
  return /[\s;{}"'#$\\]/.test(s) || s === '' ? `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : s;
}

function emitLocation(rng: Rng, loc: GenLocation, closed: number, upstreams: string[], indent: string): string[] {
  const head = `location ${loc.modifier ? `${loc.modifier} ` : ''}${quoteArg(loc.name)} {`;
  const body: string[] = [`add_header X-Loc ${loc.tag} always;`];
  const isNamed = loc.name.startsWith('@');
  if (!isNamed && rng.chance(0.05)) body.push('internal;');
  if (rng.chance(0.07)) {
    body.push(rng.pick([
      'rewrite ^/a/(.*)$ /b/$1 last;',
      'rewrite ^(.*)/x$ $1/y last;',
      'rewrite ^/(\\w+)\\.php$ /php/$1 last;',
      'rewrite ^/api/(v\\d+)/(.*) /$2?v=$1 last;',
      'rewrite ^/img/(.*)$ /static/$1 break;',
      'rewrite ^/b/(.*)$ /a/$1;',
    ]));
  }
  if (loc.proxy) body.push(rng.chance(0.5) ? `proxy_pass http://127.0.0.1:${closed};` : `proxy_pass http://${rng.pick(upstreams)};`);
  else if (rng.chance(0.08)) body.push('return 418;');
  else body.push(`return 200 "${loc.tag}";`);
  const lines = [head, ...body.map((b) => `  ${b}`)];
  for (const c of loc.children) lines.push(...emitLocation(rng, c, closed, upstreams, indent).map((l) => `  ${l}`));
  lines.push('}');
  return lines.map((l) => `  ${l}`);
}

// ----- requests -------------------------------------------------------------------------------

function encodeSome(rng: Rng, s: string): string {
  let out = '';
  for (const ch of s) {
    if (rng.chance(0.15) && ch !== '?') out += `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

function mutatePath(rng: Rng, p: string): string {
  let s = p.startsWith('/') ? p : `/${p}`;
  // clients send spaces percent-encoded; a raw one (rarely) makes the request line invalid
  if (!rng.chance(0.03)) s = s.replace(/ /g, '%20');
  s = s.replace(/\n/g, '%0A');
  const k = rng.int(14);
  if (k === 0) s = s.replace(/\//g, () => (rng.chance(0.3) ? '//' : '/'));
  else if (k === 1) s = s.replace(/\//, '/./');
  else if (k === 2) s = s.replace(/\/([^/]*)$/, '/zz/../$1');
  else if (k === 3) s = encodeSome(rng, s);
  else if (k === 4) s = s.toUpperCase();
  else if (k === 5) s = s + (rng.chance(0.5) ? '/' : 'x');
  else if (k === 6) s = s.replace(/\/$/, '');
  else if (k === 7) s = s.replace(/\//g, (m) => (rng.chance(0.2) ? '%2F' : m));
  else if (k === 8) s = `${s}/.`;
  else if (k === 9) s = `${s}/..`;
  else if (k === 10) s = s + '%2e%2e/a';
  if (rng.chance(0.2)) s += `?q=${rng.int(100)}${rng.chance(0.2) ? '/../x' : ''}`;
  if (rng.chance(0.04)) s += '#frag/../z';
  if (rng.chance(0.02)) s = rng.pick(['/../a', '/a/../../b', '/a%zz', '/a%0', '/x%00y', '/%2e%2e/c']);
  return s;
}

export function generateRequests(rng: Rng, cfg: GenConfig, n: number): GenRequest[] {
  const out: GenRequest[] = [];
  const listened = cfg.servers.flatMap((s) => s.listens.map((l) => ({ addr: l.addr ?? rng.pick(['127.0.0.1', '127.0.0.2', '127.0.0.3']), port: l.port })));
  const allHosts = cfg.servers.flatMap((s) => s.hostProbes);
  for (let i = 0; i < n; i++) {
    const t = rng.chance(0.9) && listened.length ? rng.pick(listened) : rng.pick(cfg.targets);
    const server = rng.pick(cfg.servers);
    let host: string | null = rng.chance(0.7) && server.hostProbes.length ? rng.pick(server.hostProbes) : rng.chance(0.5) && allHosts.length ? rng.pick(allHosts) : rng.pick(['zz.test', '127.0.0.1', 'localhost', 'WWW.EX.TEST', 'a.test.', 'www.ex.org', 'x']);
    if (host !== null && rng.chance(0.2)) host = `${host}:${t.port}`;
    if (host !== null && rng.chance(0.1)) host = host.toUpperCase();
    if (host !== null && rng.chance(0.01)) host = rng.pick(['a..b', 'a/b', '']);
    let http10 = false;
    if (rng.chance(0.04)) {
      host = null;
      http10 = true;
    }
    const base = rng.chance(0.85) && cfg.probes.length ? rng.pick(cfg.probes) : `/${rng.pick(SEGMENTS)}/${rng.pick(SEGMENTS)}`;
    let target = mutatePath(rng, base);
    if (rng.chance(0.03)) target = `http://${rng.pick(allHosts.length ? allHosts : ['h.test']) || 'h.test'}:${t.port}${target.replace(/#.*$/, '')}`;
    out.push({ addr: t.addr, port: t.port, host, target, http10 });
  }
  return out;
}

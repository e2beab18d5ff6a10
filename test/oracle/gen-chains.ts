// A seeded generator of configs where upstream attempts fail in chains and server names are
// shared, for the explain oracle (explain-oracle.test.ts):
//
// - error_page to named locations and to URIs, with and without "=" / "=code", set on the location,
//   inherited from a parent location, the server or http (only when the block has none of its own),
//   recursive_error_pages on/off, proxy_intercept_errors with a backend that answers 502 itself,
//   try_files ... @named / /uri / =404 + error_page 404, fallbacks that proxy to the same upstream
//   group as the location before them (the URI or the order of the lines tells them apart), error_page
//   directives and locations in included snippets;
// - several server blocks with one server_name: certbot's redirect twin, a twin whose locations
//   cannot proxy, a twin with its own proxies, twins that include the same locations, a catch-all
//   `server_name _` default server.
//
// Truth does not come from the generator's idea of what nginx does: every location (and server)
// has its own `error_log logs/<tag>.log`, so nginx itself writes each line into the file of the
// location that made the attempt. Every location also logs to logs/all.log, the log explain reads.
// Closed ports are placeholders (__P0__, __P1__ ...) the test replaces with ports nothing listens on.
import { Rng } from './gen';

export interface ChainRequest {
  port: number;
  host: string | null;
  target: string;
}

export interface ChainConfig {
  /** Relative path -> text: nginx.conf and snippets/*.conf. */
  files: Record<string, string>;
  /** How many closed-port placeholders the files use. */
  closedPorts: number;
  /** Loopback addresses where a backend that resets every connection must listen on port __RESET__. */
  resetAddrs: string[];
  requests: ChainRequest[];
}

export interface ChainPorts {
  /** The ports nginx listens on (127.0.0.1). */
  listen: number[];
  /** A backend that answers every request with its own 502 (for proxy_intercept_errors). */
  stub502: number;
}

interface Block {
  name: string;
  port: number;
  defaultServer: boolean;
  lines: string[];
  /** Paths worth requesting. */
  probes: string[];
  host: string | null;
}

const EP_CODES = ['502', '502 504', '500 502 503 504', '502 503', '504'];
const EP_EQ = ['', '', '= ', '=200 ', '=503 '];

export function generateChainConfig(rng: Rng, ports: ChainPorts, nRequests: number): ChainConfig {
  const g = new ChainGen(rng, ports);
  return g.build(nRequests);
}

class ChainGen {
  private tag = 0;
  private closed = 0;
  private readonly resets: string[] = [];
  private readonly upstreams: string[] = [];
  private readonly snippets: Record<string, string> = {};
  private readonly blocks: Block[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly ports: ChainPorts,
  ) {}

  build(nRequests: number): ChainConfig {
    const rng = this.rng;
    const http: string[] = [];
    // error_page at http level: inherited by every server block that has none
    const httpEp = rng.chance(0.3);
    const sites = 2 + rng.int(3);
    if (rng.chance(0.4)) this.catchAll();
    for (let k = 1; k <= sites; k++) this.site(k, httpEp);
    if (httpEp) http.push(`error_page ${rng.pick(['502', '502 504', '500 502 503 504'])} ${rng.pick(EP_EQ)}${rng.chance(0.5) ? '@http_fb' : '/http-fb/x'};`);
    if (rng.chance(0.3)) http.push('recursive_error_pages on;');
    const conf = [
      'worker_processes 1;',
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      '  error_log logs/all.log info;',
      '  server_names_hash_bucket_size 128;',
      '  proxy_connect_timeout 2s;',
      '  root /nonexistent-nginx-doctor-oracle;',
      ...http.map((l) => `  ${l}`),
      ...this.upstreams.map((l) => `  ${l}`),
      ...this.blocks.flatMap((b) => ['  server {', ...b.lines.map((l) => `    ${l}`), '  }']),
      '}',
      '',
    ].join('\n');
    const requests: ChainRequest[] = [];
    for (let i = 0; i < nRequests; i++) {
      const b = rng.pick(this.blocks);
      const path = rng.chance(0.95) && b.probes.length ? rng.pick(b.probes) : `/k${1 + rng.int(sites)}/zz`;
      let host = b.host;
      if (rng.chance(0.1)) host = rng.pick(['unknown.test', '127.0.0.1', this.rng.pick(this.blocks).name]);
      if (host !== null && rng.chance(0.2)) host = `${host}:${b.port}`;
      requests.push({ port: b.port, host, target: path });
    }
    return { files: { 'nginx.conf': conf, ...this.snippets }, closedPorts: this.closed, resetAddrs: this.resets, requests };
  }

  private newTag(kind: 'L' | 'S'): string {
    return `${kind}${++this.tag}`;
  }

  private marker(tag: string): string[] {
    return [`error_log logs/all.log info;`, `error_log logs/${tag}.log info;`];
  }

  /**
   * A proxy target with fresh peers: a closed port (a literal address, or a group of one or two
   * servers), or a backend that resets the connection (its own loopback address).
   */
  private target(uriPart: string): string {
    const r = this.rng.int(11);
    if (r === 10 && this.resets.length < 200) {
      const ip = `127.0.0.${this.resets.length + 2}`;
      this.resets.push(ip);
      return `http://${ip}:__RESET__${uriPart}`;
    }
    if (r < 4) return `http://127.0.0.1:__P${this.closed++}__${uriPart}`;
    const name = `u${this.upstreams.length + 1}`;
    const servers = r < 8 ? [this.closed++] : [this.closed++, this.closed++];
    this.upstreams.push(`upstream ${name} { ${servers.map((p) => `server 127.0.0.1:__P${p}__;`).join(' ')} }`);
    return `http://${name}${uriPart}`;
  }

  /**
   * A fallback for an error_page / try_files: a named location or a URI location of its own
   * (returned as its directive target and its location lines). `shared`: the target of the location
   * before it, so both log the same peer.
   */
  private fallback(k: number, depth: number, shared: string | null, named: boolean, out: string[], probes: string[]): string {
    const rng = this.rng;
    const tag = this.newTag('L');
    const n = this.tag;
    const body = [...this.marker(tag)];
    const target = shared ?? (rng.chance(0.15) ? `http://127.0.0.1:${this.ports.stub502}` : this.target(''));
    // a named location's proxy_pass takes no URI part
    body.push(`proxy_pass ${target.replace(/^(\w+:\/\/[^/]+).*$/, '$1')};`);
    if (depth < 2 && rng.chance(0.35)) {
      // a fallback of the fallback: followed only when recursive_error_pages is on before it
      const next = this.fallback(k, depth + 1, rng.chance(0.3) ? target : null, rng.chance(0.5), out, probes);
      body.push(`error_page ${rng.pick(EP_CODES)} ${rng.pick(EP_EQ)}${next};`);
      if (rng.chance(0.3)) body.push('recursive_error_pages on;');
    }
    if (named) {
      out.push(`location @k${k}fb${n} {`, ...body.map((l) => `  ${l}`), '}');
      return `@k${k}fb${n}`;
    }
    const internal = rng.chance(0.5);
    out.push(`location /k${k}/fb${n}/ {`, ...(internal ? ['  internal;'] : []), ...body.map((l) => `  ${l}`), '}');
    if (!internal) probes.push(`/k${k}/fb${n}/direct`);
    return `/k${k}/fb${n}/x${rng.chance(0.3) ? '?from=ep' : ''}`;
  }

  /** An error_page line to a new fallback (and the fallback's location). */
  private errorPage(k: number, shared: string | null, out: string[], probes: string[], codes = this.rng.pick(EP_CODES)): string {
    const dest = this.fallback(k, 0, shared, this.rng.chance(0.5), out, probes);
    return `error_page ${codes} ${this.rng.pick(EP_EQ)}${dest};`;
  }

  /** The locations of a site (k) in one block; `extra` collects named/fallback locations of the block. */
  private locations(k: number, out: string[], probes: string[]): void {
    const rng = this.rng;
    const n = 3 + rng.int(5);
    for (let i = 0; i < n; i++) {
      const kind = rng.int(12);
      const tag = this.newTag('L');
      const id = this.tag;
      const own: string[] = [...this.marker(tag)];
      const extra: string[] = [];
      if (kind <= 3) {
        // a proxy location (prefix, exact or regex), maybe with its own error_page
        const form = rng.int(4);
        const name = form === 0 ? `= /k${k}/e${id}` : form === 1 ? `~ ^/k${k}/r${id}/` : `/k${k}/a${id}/`;
        probes.push(form === 0 ? `/k${k}/e${id}` : form === 1 ? `/k${k}/r${id}/y` : `/k${k}/a${id}/x`, `/k${k}/a${id}/b/c?q=1`);
        const intercept = rng.chance(0.2);
        const target = intercept ? `http://127.0.0.1:${this.ports.stub502}` : this.target(form === 2 && rng.chance(0.3) ? '/up/' : '');
        own.push(`proxy_pass ${target};`);
        if (intercept) own.push('proxy_intercept_errors on;');
        if (rng.chance(0.6)) {
          const ep = this.errorPage(k, rng.chance(0.35) && !intercept ? target.replace(/(\/\/[^/]+)\/.*$/, '$1') : null, extra, probes);
          own.push(this.maybeSnippet(ep));
          if (rng.chance(0.3)) own.push('recursive_error_pages on;');
        }
        out.push(`location ${name} {`, ...own.map((l) => `  ${l}`), '}');
      } else if (kind <= 5) {
        // a parent location whose error_page the nested ones inherit (unless they have their own)
        const parentEp = rng.chance(0.7) ? this.errorPage(k, null, extra, probes) : null;
        if (parentEp) own.push(this.maybeSnippet(parentEp));
        if (rng.chance(0.4)) own.push(`proxy_pass ${this.target('')};`);
        probes.push(`/k${k}/p${id}/z`);
        const children = 1 + rng.int(2);
        for (let c = 0; c < children; c++) {
          const ctag = this.newTag('L');
          const cid = this.tag;
          const child = [...this.marker(ctag)];
          const target = this.target('');
          child.push(`proxy_pass ${target};`);
          if (rng.chance(0.3)) child.push(this.errorPage(k, null, extra, probes));
          own.push(`location /k${k}/p${id}/c${cid}/ {`, ...child.map((l) => `  ${l}`), '}');
          probes.push(`/k${k}/p${id}/c${cid}/w`);
        }
        out.push(`location /k${k}/p${id}/ {`, ...own.map((l) => `  ${l}`), '}');
      } else if (kind <= 7) {
        // try_files: the attempt happens in the fallback (named, a URI, or =404 + error_page 404)
        const form = rng.int(3);
        if (form === 0) own.push(`try_files $uri ${this.fallback(k, 0, null, true, extra, probes)};`);
        else if (form === 1) own.push(`try_files $uri $uri/ ${this.fallback(k, 0, null, false, extra, probes)};`);
        else {
          own.push('try_files $uri =404;');
          own.push(`error_page 404 ${rng.pick(['= ', '', '=200 '])}${this.fallback(k, 0, null, rng.chance(0.6), extra, probes)};`);
        }
        out.push(`location /k${k}/t${id}/ {`, ...own.map((l) => `  ${l}`), '}');
        probes.push(`/k${k}/t${id}/missing.html`);
      } else if (kind === 8) {
        // PHP: try_files to /index.php, a regex location with fastcgi_pass
        own.push(`try_files $uri /k${k}/php${id}/index.php$is_args$args;`);
        out.push(`location /k${k}/f${id}/ {`, ...own.map((l) => `  ${l}`), '}');
        const ptag = this.newTag('L');
        out.push(`location ~ ^/k${k}/php${id}/.*\\.php$ {`, ...[...this.marker(ptag), 'include fastcgi_params;', `fastcgi_pass 127.0.0.1:__P${this.closed++}__;`].map((l) => `  ${l}`), '}');
        probes.push(`/k${k}/f${id}/page`, `/k${k}/php${id}/index.php`);
      } else {
        // no attempt here
        own.push(`return 200 "${tag}";`);
        out.push(`location /k${k}/s${id}/ {`, ...own.map((l) => `  ${l}`), '}');
        probes.push(`/k${k}/s${id}/x`);
      }
      out.push(...extra);
    }
  }

  /** An error_page line kept as is, or moved into a snippet file included in its place. */
  private maybeSnippet(line: string): string {
    if (!this.rng.chance(0.25)) return line;
    const file = `snippets/ep${++this.tag}.conf`;
    this.snippets[file] = `${line}\n`;
    return `include ${file};`;
  }

  private site(k: number, httpEp: boolean): void {
    const rng = this.rng;
    const name = `site${k}.test`;
    const [pa, pb] = pickTwo(rng, this.ports.listen);
    const kind = rng.pick(['single', 'single', 'certbot', 'no-pass-twin', 'proxy-twin', 'snippet-twin'] as const);
    const primary = this.block(name, pa!);
    const probes: string[] = [];
    const locs: string[] = [];
    if (kind === 'snippet-twin') {
      // both blocks include the same locations
      this.locations(k, locs, probes);
      const file = `snippets/site${k}.conf`;
      this.snippets[file] = `${locs.join('\n')}\n`;
      primary.lines.push(`include ${file};`);
    } else primary.lines.push(...this.serverLevel(k, httpEp, probes), ...(this.locations(k, locs, probes), locs));
    if (httpEp && rng.chance(0.5)) primary.lines.push(...this.httpFallbacks());
    primary.probes = probes;
    if (kind === 'single') return;
    const twin = this.block(name, pb!);
    if (kind === 'certbot') twin.lines.push('return 301 https://$host$request_uri;');
    else if (kind === 'snippet-twin') twin.lines.push(`include snippets/site${k}.conf;`);
    else if (kind === 'no-pass-twin') {
      for (const p of new Set(probes.map((x) => x.split('/').slice(0, 3).join('/')))) {
        const tag = this.newTag('L');
        twin.lines.push(`location ${p}/ {`, ...this.marker(tag).map((l) => `  ${l}`), `  return 200 "${tag}";`, '}');
      }
    } else {
      const own: string[] = [];
      const twinProbes: string[] = [];
      this.locations(k, own, twinProbes);
      // the same URIs as the primary block, with proxies of its own
      const tag = this.newTag('L');
      own.push(`location /k${k}/ {`, ...this.marker(tag).map((l) => `  ${l}`), `  proxy_pass ${this.target('')};`, '}');
      twin.lines.push(...own);
      probes.push(...twinProbes);
    }
    twin.probes = probes;
  }

  /** error_page at server level (inherited by locations without their own) and its fallback. */
  private serverLevel(k: number, httpEp: boolean, probes: string[]): string[] {
    const rng = this.rng;
    if (!rng.chance(httpEp ? 0.3 : 0.45)) return [];
    const out: string[] = [];
    out.push(this.maybeSnippet(this.errorPage(k, null, out, probes, rng.pick(['502', '502 503 504', '500 502 503 504']))));
    if (rng.chance(0.3)) out.push('recursive_error_pages on;');
    return out;
  }

  /** The targets of the http-level error_page, in one server block. */
  private httpFallbacks(): string[] {
    const a = this.newTag('L');
    const b = this.newTag('L');
    return [
      'location @http_fb {', ...this.marker(a).map((l) => `  ${l}`), `  proxy_pass ${this.target('')};`, '}',
      'location /http-fb/ {', ...this.marker(b).map((l) => `  ${l}`), `  proxy_pass ${this.target('')};`, '}',
    ];
  }

  private catchAll(): void {
    const port = this.rng.pick(this.ports.listen);
    const b = this.block('_', port, true);
    const tag = this.newTag('L');
    b.lines.push(`location / {`, ...this.marker(tag).map((l) => `  ${l}`), `  proxy_pass ${this.target('')};`, '}');
    b.probes = ['/anything', '/k1/a1/x'];
    b.host = 'nomatch.test';
  }

  private block(name: string, port: number, defaultServer = false): Block {
    const tag = this.newTag('S');
    const b: Block = { name, port, defaultServer, lines: [`listen 127.0.0.1:${port}${defaultServer ? ' default_server' : ''};`, `server_name ${name};`, ...this.marker(tag)], probes: [], host: name };
    this.blocks.push(b);
    return b;
  }
}

function pickTwo<T>(rng: Rng, list: T[]): [T, T] {
  const a = rng.int(list.length);
  let b = rng.int(list.length - 1);
  if (b >= a) b++;
  return [list[a]!, list[b]!];
}

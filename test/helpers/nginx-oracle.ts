// Real nginx as a test oracle: run `nginx -t` on a config and parse its verdict, or start a
// throwaway nginx on loopback for tests that need a live server. Node 20 built-ins only.
//
// How nginx is invoked (settled by experiment on Debian's nginx 1.22.1):
//
//   nginx -t -q -p PREFIX/ -c CONF -g 'load_module /usr/lib/nginx/modules/ndk_http_module.so; ...;'
//
// * Dynamic modules (stream, mail, lua + its NDK, headers-more, njs) are loaded with
//   `load_module` directives passed through `-g`. nginx parses the -g text in the main context
//   *before* the configuration file, so the corpus files keep their own line numbers and file
//   names in every message, and they stay plain root configs (no wrapper file that `include`s
//   them, which would also change the directory relative includes are resolved against).
//   Consequence: a config run through this oracle must not `load_module` the same modules
//   itself ("module ... is already loaded").
// * `-g` also sets `pid PREFIX/nginx.pid;`: even `nginx -t` opens (creates) the pid file, which
//   would be /run/nginx.pid (root) or fail with "Permission denied" (non-root). Consequence: the
//   configs must not set `pid` themselves (nginx: "pid" directive is duplicate).
// * No `error_log` is passed: Debian builds nginx with `--error-log-path=stderr`, so messages
//   arrive on stderr in the error-log format "YYYY/MM/DD hh:mm:ss [emerg] PID#TID: text" (builds
//   with a file error log print "nginx: [emerg] text"; both are parsed), and corpus files may
//   keep their own `error_log` lines (relative to the prefix) like real servers do.
// * nginx resolves relative `include`, `ssl_certificate`, `js_import`... against the directory
//   of the -c file (its "conf prefix"), and `root`, logs, temp and cache paths against -p.
//   `stageConfig()` therefore puts a symlink to the corpus file (or to each entry of a
//   multi-file corpus folder) into the prefix, so that `certs/server.crt`, `mime.types`,
//   `snippets/...` resolve to the assets `makePrefix()` wrote. Messages name the symlinked
//   path; `realpathSync()` maps it back to the corpus file.
// * Privileges: `nginx -t` binds every listen socket (only "address already in use" is tolerated
//   in test mode) and opens the compiled-in default access log /var/log/nginx/access.log, so the
//   realistic corpus (listen 80/443, few explicit access_log lines) needs root, as on a server.
//   When the test process is not root, nginxTest() runs nginx through `sudo -n` if that works
//   (CI runners), see privilegeWrapper(); NGINX_ORACLE_SUDO=0/1 forces the choice.
// * startNginx() adds `daemon off; error_log PREFIX/logs/error.log info;` to -g, so configs
//   started that way must not set `daemon` either; it never uses sudo.
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  copyFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  rmSync,
  accessSync,
  chmodSync,
  constants as fsConstants,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import * as net from 'node:net';

export interface NginxMessage {
  /** emerg | alert | crit | error | warn | notice | info | debug | "" (plain lines such as "test failed") */
  level: string;
  text: string;
  file?: string;
  line?: number;
}

export interface NginxResult {
  ok: boolean;
  messages: NginxMessage[];
  raw: string;
  status: number | null;
}

const CANDIDATE_BINARIES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

let cachedBinary: string | null | undefined;

/**
 * Absolute path of the nginx binary or null: $NGINX_BIN when set (and only it), else the usual
 * locations, then $PATH.
 */
export function nginxBinary(): string | null {
  if (cachedBinary !== undefined) return cachedBinary;
  const candidates: string[] = [];
  if (process.env.NGINX_BIN) candidates.push(process.env.NGINX_BIN);
  else {
    candidates.push(...CANDIDATE_BINARIES);
    for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'nginx'));
  }
  cachedBinary = null;
  for (const c of candidates) {
    try {
      accessSync(c, fsConstants.X_OK);
      if (statSync(c).isFile()) {
        cachedBinary = resolve(c);
        break;
      }
    } catch {
      // not there
    }
  }
  return cachedBinary;
}

let cachedV: string | undefined;

function nginxV(): string {
  if (cachedV !== undefined) return cachedV;
  const bin = nginxBinary();
  if (!bin) return (cachedV = '');
  const r = spawnSync(bin, ['-V'], { encoding: 'utf8', timeout: 10_000 });
  return (cachedV = `${r.stdout ?? ''}${r.stderr ?? ''}`);
}

/** "1.22.1" (from `nginx -v`), or null when nginx is missing. */
export function nginxVersion(): string | null {
  const m = /nginx\/(\d+\.\d+\.\d+)/.exec(nginxV());
  return m ? m[1] : null;
}

/** Directory holding the dynamic modules (from --modules-path, else next to --prefix). */
export function nginxModulesDir(): string | null {
  const v = nginxV();
  const m = /--modules-path=(\S+)/.exec(v);
  if (m) return m[1];
  const p = /--prefix=(\S+)/.exec(v);
  return p ? join(p[1], 'modules') : null;
}

// Load order matters: NDK before lua, stream before stream add-ons.
const WANTED_MODULES = [
  'ndk_http_module.so',
  'ngx_http_lua_module.so',
  'ngx_http_headers_more_filter_module.so',
  'ngx_http_js_module.so',
  'ngx_stream_module.so',
  'ngx_stream_js_module.so',
  'ngx_mail_module.so',
];

/** Absolute paths of the dynamic modules the oracle loads (only those that exist). */
export function dynamicModules(): string[] {
  const dir = nginxModulesDir();
  if (!dir) return [];
  return WANTED_MODULES.map((m) => join(dir, m)).filter((p) => existsSync(p));
}

function loadModuleDirectives(): string {
  return dynamicModules()
    .map((m) => `load_module ${m};`)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Prefix directory

const MIME_TYPES = `types {
    text/html                  html htm shtml;
    text/css                   css;
    text/xml                   xml;
    text/plain                 txt;
    text/javascript            js mjs;
    application/json           json;
    application/wasm           wasm;
    application/pdf            pdf;
    application/zip            zip;
    application/octet-stream   bin exe dll iso img;
    image/gif                  gif;
    image/jpeg                 jpeg jpg;
    image/png                  png;
    image/svg+xml              svg svgz;
    image/webp                 webp;
    image/x-icon               ico;
    font/woff                  woff;
    font/woff2                 woff2;
    audio/mpeg                 mp3;
    video/mp4                  mp4;
    video/webm                 webm;
}
`;

const FASTCGI_PARAMS = `fastcgi_param  QUERY_STRING       $query_string;
fastcgi_param  REQUEST_METHOD     $request_method;
fastcgi_param  CONTENT_TYPE       $content_type;
fastcgi_param  CONTENT_LENGTH     $content_length;
fastcgi_param  SCRIPT_NAME        $fastcgi_script_name;
fastcgi_param  REQUEST_URI        $request_uri;
fastcgi_param  DOCUMENT_URI       $document_uri;
fastcgi_param  DOCUMENT_ROOT      $document_root;
fastcgi_param  SERVER_PROTOCOL    $server_protocol;
fastcgi_param  REQUEST_SCHEME     $scheme;
fastcgi_param  HTTPS              $https if_not_empty;
fastcgi_param  GATEWAY_INTERFACE  CGI/1.1;
fastcgi_param  SERVER_SOFTWARE    nginx/$nginx_version;
fastcgi_param  REMOTE_ADDR        $remote_addr;
fastcgi_param  REMOTE_PORT        $remote_port;
fastcgi_param  SERVER_ADDR        $server_addr;
fastcgi_param  SERVER_PORT        $server_port;
fastcgi_param  SERVER_NAME        $server_name;
fastcgi_param  REDIRECT_STATUS    200;
`;

const SCGI_PARAMS = `scgi_param  REQUEST_METHOD     $request_method;
scgi_param  REQUEST_URI        $request_uri;
scgi_param  QUERY_STRING       $query_string;
scgi_param  CONTENT_TYPE       $content_type;
scgi_param  DOCUMENT_URI       $document_uri;
scgi_param  DOCUMENT_ROOT      $document_root;
scgi_param  SCGI               1;
scgi_param  SERVER_PROTOCOL    $server_protocol;
scgi_param  REQUEST_SCHEME     $scheme;
scgi_param  HTTPS              $https if_not_empty;
scgi_param  REMOTE_ADDR        $remote_addr;
scgi_param  REMOTE_PORT        $remote_port;
scgi_param  SERVER_PORT        $server_port;
scgi_param  SERVER_NAME        $server_name;
`;

const UWSGI_PARAMS = `uwsgi_param  QUERY_STRING       $query_string;
uwsgi_param  REQUEST_METHOD     $request_method;
uwsgi_param  CONTENT_TYPE       $content_type;
uwsgi_param  CONTENT_LENGTH     $content_length;
uwsgi_param  REQUEST_URI        $request_uri;
uwsgi_param  PATH_INFO          $document_uri;
uwsgi_param  DOCUMENT_ROOT      $document_root;
uwsgi_param  SERVER_PROTOCOL    $server_protocol;
uwsgi_param  REQUEST_SCHEME     $scheme;
uwsgi_param  HTTPS              $https if_not_empty;
uwsgi_param  REMOTE_ADDR        $remote_addr;
uwsgi_param  REMOTE_PORT        $remote_port;
uwsgi_param  SERVER_PORT        $server_port;
uwsgi_param  SERVER_NAME        $server_name;
`;

const PROXY_PARAMS = `proxy_set_header Host $http_host;
proxy_set_header X-Real-IP $remote_addr;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
`;

const SNIPPET_FASTCGI_PHP = `# regex to split $uri to $fastcgi_script_name and $fastcgi_path_info
fastcgi_split_path_info ^(.+?\\.php)(/.*)$;

# Check that the PHP script exists before passing it
try_files $fastcgi_script_name =404;

# Bypass the fact that try_files resets $fastcgi_path_info
set $path_info $fastcgi_path_info;
fastcgi_param PATH_INFO $path_info;

fastcgi_index index.php;
include fastcgi.conf;
`;

const SNIPPET_SSL_PARAMS = `ssl_protocols TLSv1.2 TLSv1.3;
ssl_prefer_server_ciphers off;
ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384;
ssl_session_cache shared:SSL:10m;
ssl_session_timeout 1d;
ssl_session_tickets off;
`;

const SNIPPET_SELF_SIGNED = `ssl_certificate certs/server.crt;
ssl_certificate_key certs/server.key;
`;

const SNIPPET_SECURITY_HEADERS = `add_header X-Frame-Options "SAMEORIGIN" always;
add_header X-Content-Type-Options "nosniff" always;
add_header Referrer-Policy "strict-origin-when-cross-origin" always;
`;

const NJS_MAIN = `function hello(r) {
    r.return(200, "hello from njs\\n");
}

function version(r) {
    return njs.version;
}

function headersToJson(r) {
    r.headersOut['Content-Type'] = 'application/json';
    r.return(200, JSON.stringify(r.headersIn));
}

export default { hello, version, headersToJson };
`;

const LUA_ACCESS = `-- deny requests without an API key header
local key = ngx.var.http_x_api_key
if not key or key == "" then
    return ngx.exit(ngx.HTTP_UNAUTHORIZED)
end
`;

// {PLAIN} is a scheme nginx understands; this file only exists so auth_basic configs have a target.
const HTPASSWD = 'admin:{PLAIN}not-a-secret\n';

const INDEX_HTML = '<!doctype html><title>ok</title><p>nginx-doctor test prefix</p>\n';

/** Files every prefix gets (relative path → content). Certificates are added separately. */
const PREFIX_FILES: Record<string, string> = {
  'mime.types': MIME_TYPES,
  fastcgi_params: FASTCGI_PARAMS,
  'fastcgi.conf': `fastcgi_param  SCRIPT_FILENAME    $document_root$fastcgi_script_name;\n${FASTCGI_PARAMS}`,
  scgi_params: SCGI_PARAMS,
  uwsgi_params: UWSGI_PARAMS,
  proxy_params: PROXY_PARAMS,
  'snippets/fastcgi-php.conf': SNIPPET_FASTCGI_PHP,
  'snippets/ssl-params.conf': SNIPPET_SSL_PARAMS,
  'snippets/self-signed.conf': SNIPPET_SELF_SIGNED,
  'snippets/security-headers.conf': SNIPPET_SECURITY_HEADERS,
  'njs/main.js': NJS_MAIN,
  'lua/access.lua': LUA_ACCESS,
  htpasswd: HTPASSWD,
  'html/index.html': INDEX_HTML,
  'html/50x.html': INDEX_HTML,
};

/** Directories every prefix gets. */
const PREFIX_DIRS = ['logs', 'certs', 'html', 'cache', 'temp', 'snippets', 'njs', 'lua'];

let certCache: string | undefined;

/** A self-signed localhost certificate, generated once per process. */
function ensureCertificate(): string {
  if (certCache && existsSync(join(certCache, 'server.key'))) return certCache;
  const dir = mkdtempSync(join(tmpdir(), 'nginx-oracle-cert-'));
  const r = spawnSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
      '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'server.key'),
      '-out', join(dir, 'server.crt'),
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) {
    throw new Error(`openssl failed to create a test certificate: ${r.error?.message ?? r.stderr}`);
  }
  certCache = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A fresh temporary prefix directory: logs/, certs/server.{crt,key}, a short mime.types,
 * fastcgi_params & co, snippets/, njs/main.js, lua/access.lua, html/, cache/, temp/.
 * The caller removes it with removePrefix() (or leaves it to the OS temp cleaner).
 */
export function makePrefix(): string {
  const prefix = mkdtempSync(join(tmpdir(), 'nginx-oracle-'));
  // mkdtemp makes it 0700; a root master's workers run as "nobody" and must read html/, lua/ ...
  chmodSync(prefix, 0o755);
  for (const d of PREFIX_DIRS) mkdirSync(join(prefix, d), { recursive: true });
  for (const [rel, content] of Object.entries(PREFIX_FILES)) writeFileSync(join(prefix, rel), content);
  const certs = ensureCertificate();
  copyFileSync(join(certs, 'server.crt'), join(prefix, 'certs', 'server.crt'));
  copyFileSync(join(certs, 'server.key'), join(prefix, 'certs', 'server.key'));
  return prefix;
}

export function removePrefix(prefix: string): void {
  try {
    rmSync(prefix, { recursive: true, force: true });
  } catch (e) {
    // nginx run through sudo leaves root-owned 0700 directories (temp and cache paths) behind
    const p = resolve(prefix);
    if (!basename(p).startsWith('nginx-oracle-') || privilegeWrapper().length === 0) throw e;
    spawnSync(privilegeWrapper()[0], [...privilegeWrapper().slice(1), 'rm', '-rf', '--', p], { timeout: 30_000 });
  }
}

/**
 * Make a corpus entry runnable inside `prefix` and return the path to hand to nginx (and to the
 * CLI). A file `x/NNN-name.conf` becomes the symlink `PREFIX/NNN-name.conf`; a folder
 * `x/NNN-name/` (with an `nginx.conf`) becomes `PREFIX/NNN-name/` holding a symlink for each of
 * its entries plus symlinks to the prefix's shared assets it does not provide itself, and
 * `PREFIX/NNN-name/nginx.conf` is returned. `name` replaces the basename in the prefix (to keep
 * entries with equal basenames apart). Map reported paths back with realpathSync().
 */
export function stageConfig(src: string, prefix: string, name = basename(resolve(src))): string {
  const abs = resolve(src);
  const target = join(prefix, name);
  if (existsSync(target)) throw new Error(`stageConfig: ${target} already exists`);
  if (!statSync(abs).isDirectory()) {
    symlinkSync(abs, target);
    return target;
  }
  mkdirSync(target);
  const own = new Set(readdirSync(abs));
  for (const entry of own) symlinkSync(join(abs, entry), join(target, entry));
  for (const shared of Object.keys(PREFIX_FILES).map((p) => p.split('/')[0]).concat(PREFIX_DIRS)) {
    if (own.has(shared) || existsSync(join(target, shared))) continue;
    symlinkSync(join(prefix, shared), join(target, shared));
  }
  return join(target, 'nginx.conf');
}

// ---------------------------------------------------------------------------------------------
// nginx -t

// "2024/01/02 03:04:05 [emerg] 123#123: text"  (error log on stderr, as Debian builds it)
const LOG_LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;
// "nginx: [emerg] text"  (builds whose error log is a file)
const STDERR_LINE = /^nginx: \[(\w+)\] (.*)$/;
// "... in /path/file.conf:12" at the end of a message
const LOCATION = /^(.*) in (.+):(\d+)$/;

/** Parse nginx's stderr into messages. Lines without a level ("nginx: configuration file ... test failed") get level "". */
export function parseNginxOutput(raw: string): NginxMessage[] {
  const out: NginxMessage[] = [];
  for (const rawLine of raw.split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    if (!line) continue;
    const m = LOG_LINE.exec(line) ?? STDERR_LINE.exec(line);
    if (!m) {
      out.push({ level: '', text: line.replace(/^nginx: /, '') });
      continue;
    }
    const msg: NginxMessage = { level: m[1], text: m[2] };
    const loc = LOCATION.exec(m[2]);
    if (loc && loc[2] !== 'command line') {
      msg.text = loc[1];
      msg.file = loc[2];
      msg.line = Number(loc[3]);
    }
    out.push(msg);
  }
  return out;
}

function withSlash(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

let cachedWrapper: string[] | undefined;

/**
 * How nginx -t gets root: [] when we are root (or NGINX_ORACLE_SUDO=0), ['sudo', '-n'] when not
 * root and passwordless sudo works (as on CI runners), else [] (and nginx will likely fail with
 * "Permission denied", see nginxTest).
 */
export function privilegeWrapper(): string[] {
  if (cachedWrapper) return cachedWrapper;
  const env = process.env.NGINX_ORACLE_SUDO;
  if (env === '0' || process.getuid?.() === 0) return (cachedWrapper = []);
  if (env === '1') return (cachedWrapper = ['sudo', '-n']);
  const r = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return (cachedWrapper = r.status === 0 ? ['sudo', '-n'] : []);
}

/** True when nginxTest() runs nginx as root (directly or through sudo). */
export function nginxTestRunsAsRoot(): boolean {
  return process.getuid?.() === 0 || privilegeWrapper().length > 0;
}

/**
 * Run `nginx -t -q` on confPath with prefixDir as -p. Throws when nginx is not installed.
 *
 * `nginx -t` needs root for realistic configs, exactly like on a server: it binds every `listen`
 * socket (ports 80/443 and friends; only "address in use" is tolerated in test mode) and opens
 * the compiled-in default access log /var/log/nginx/access.log for http blocks without their
 * own `access_log`. So when the test process is not root it goes through `sudo -n` if that works
 * (see privilegeWrapper()).
 */
export function nginxTest(confPath: string, prefixDir: string): NginxResult {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx binary not found (set NGINX_BIN or install nginx)');
  const p = resolve(prefixDir);
  const args = ['-t', '-q', '-p', withSlash(p), '-c', resolve(confPath)];
  // `nginx -t` opens (creates) the pid file too: keep it inside the prefix, not /run/nginx.pid
  args.push('-g', `${loadModuleDirectives()} pid ${join(p, 'nginx.pid')};`);
  const wrap = privilegeWrapper();
  const r = wrap.length
    ? spawnSync(wrap[0], [...wrap.slice(1), bin, ...args], { encoding: 'utf8', timeout: 30_000 })
    : spawnSync(bin, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  const raw = `${r.stderr ?? ''}${r.stdout ?? ''}`;
  return { ok: r.status === 0, messages: parseNginxOutput(raw), raw, status: r.status };
}

// ---------------------------------------------------------------------------------------------
// A live nginx for tests that need one

export interface RunningNginx {
  pid: number;
  prefix: string;
  conf: string;
  /** Contents of PREFIX/logs/error.log so far (empty string when missing). */
  errorLog(): string;
}

let running: { child: ChildProcess; info: RunningNginx } | undefined;

function waitForPort(port: number, deadline: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const attempt = (): void => {
      const sock = net.connect({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolvePromise();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on 127.0.0.1:${port} in time`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Start nginx in the foreground (`daemon off`) on confPath/prefix and wait until it is ready:
 * until `waitPort` accepts connections on 127.0.0.1 when given, else until the pid file
 * appears. At most one instance at a time; it is killed on process exit too. Rejects (after
 * cleaning up) when nginx exits or the timeout hits.
 *
 * nginx runs as the current user (never through sudo), so such configs must: listen on
 * 127.0.0.1 ports >= 1024; set `access_log logs/access.log;` (or `off`) in http{}, because the
 * compiled-in default is /var/log/nginx/access.log; not set `pid`, `daemon` or `load_module`
 * (the oracle passes those). When run as root the workers run as "nobody" (the prefix is 0755).
 */
export async function startNginx(
  confPath: string,
  prefix: string,
  opts: { waitPort?: number; timeoutMs?: number; wrap?: string[] } = {},
): Promise<RunningNginx> {
  if (running) await stopNginx();
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx binary not found (set NGINX_BIN or install nginx)');
  const p = resolve(prefix);
  mkdirSync(join(p, 'logs'), { recursive: true });
  const pidFile = join(p, 'nginx.pid');
  rmSync(pidFile, { force: true });
  const g = `${loadModuleDirectives()} daemon off; pid ${pidFile}; error_log ${join(p, 'logs', 'error.log')} info;`;
  // `wrap`: a command that ends by exec'ing its arguments (unshare ... sh -c '...; exec "$@"'), same pid
  const argv = [bin, '-p', withSlash(p), '-c', resolve(confPath), '-g', g];
  const child = opts.wrap?.length ? spawn(opts.wrap[0]!, [...opts.wrap.slice(1), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(bin, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const info: RunningNginx = {
    pid: child.pid ?? -1,
    prefix: p,
    conf: resolve(confPath),
    errorLog: () => {
      try {
        return readFileSync(join(p, 'logs', 'error.log'), 'utf8');
      } catch {
        return '';
      }
    },
  };
  running = { child, info };
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`nginx exited early (code ${code}, signal ${signal}):\n${output}${info.errorLog()}`)),
    );
    child.once('error', (e) => reject(e));
  });
  const ready =
    opts.waitPort !== undefined
      ? waitForPort(opts.waitPort, deadline)
      : new Promise<void>((res, rej) => {
          const poll = (): void => {
            if (existsSync(pidFile)) res();
            else if (Date.now() > deadline) rej(new Error('nginx did not write its pid file in time'));
            else setTimeout(poll, 50);
          };
          poll();
        });
  try {
    await Promise.race([ready, exited]);
  } catch (e) {
    await stopNginx();
    throw e;
  }
  return info;
}

/** Stop the nginx started by startNginx(): SIGTERM (fast shutdown, workers too), then SIGKILL after 3 s. Safe to call twice. */
export async function stopNginx(): Promise<void> {
  const r = running;
  running = undefined;
  if (!r) return;
  const { child } = r;
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((res) => {
    const timer = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }, 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      res();
    });
    try {
      child.kill('SIGTERM');
    } catch {
      clearTimeout(timer);
      res();
    }
  });
}

process.once('exit', () => {
  if (running && running.child.exitCode === null) {
    try {
      // SIGTERM, not SIGKILL: the master then stops its workers as well.
      running.child.kill('SIGTERM');
    } catch {
      // ignore
    }
  }
});

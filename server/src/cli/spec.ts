// What every sub-command accepts, in one table: the parser (args.ts), `--help` (help.ts) and the
// shell completions (completion.ts) are all derived from it, so they cannot disagree.

/** What a shell should complete for a value. */
export type Completion = 'file' | 'dir' | 'host' | 'none' | readonly string[];

export interface FlagSpec {
  name: string;
  /** The value's placeholder ("ROOT"); absent: a boolean flag. */
  value?: string;
  /** Given more than once, every value counts. */
  repeat?: boolean;
  /** The default, in words, when the flag is not given. */
  default?: string;
  help: string;
  complete?: Completion;
}

export interface CommandSpec {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** The synopsis after "nginx-doctor NAME ", as in the overview. */
  synopsis: string;
  /** Positional arguments, in words ("FILE...: the root configs ..."). */
  operands: { name: string; help: string; complete: Completion }[];
  flags: FlagSpec[];
  /** Shell lines with a comment each. */
  examples: [string, string][];
  exit: string;
  /** Text after the flags (details, extra rules). */
  notes?: string;
}

const FORMAT2: Completion = ['text', 'json'];
const LEVELS = 'off|error|warning|info|hint';

const CONF_DIR: FlagSpec = { name: 'conf-dir', value: 'DIR', default: "the root config's directory", help: 'directory that relative include paths start from (nginx\'s conf prefix)', complete: 'dir' };
const NGINX_VERSION: FlagSpec = { name: 'nginx-version', value: 'X.Y.Z', default: 'accept the directives of every version', help: 'the nginx version to check against, e.g. 1.24.0', complete: 'none' };
const PREFIX: FlagSpec = { name: 'prefix', value: 'DIR', help: "nginx's -p prefix; accepted for compatibility, includes resolve from --conf-dir", complete: 'dir' };
const RULE: FlagSpec = { name: 'rule', value: 'ID=LEVEL', repeat: true, help: `set a rule's severity (${LEVELS}); repeatable, e.g. --rule unknown-variable=warning`, complete: 'none' };
const STABLE_HOST: FlagSpec = { name: 'stable-host', value: 'NAME', repeat: true, help: 'a host name that never moves: static-hostname-upstream is silent for it ("*.example.com" for every name under it); repeatable', complete: 'none' };
const SSH_CONFIG: FlagSpec = { name: 'ssh-config', value: 'FILE', default: '~/.ssh/config', help: 'ssh client config to use (ssh -F FILE)', complete: 'file' };
const SSH: FlagSpec = { name: 'ssh', value: 'DEST', help: '[user@]host, an ~/.ssh/config alias or ssh://[user@]host:port; keys and agent only, never a password prompt', complete: 'host' };
const METRICS: FlagSpec = { name: 'metrics', value: 'HOST:PORT', help: 'serve Prometheus metrics (per-location upstream failures, lines, source state) at http://HOST:PORT/metrics; PORT alone binds 127.0.0.1 (see docs/prometheus.md)', complete: 'none' };
const METRICS_MAX_SERIES: FlagSpec = { name: 'metrics-max-series', value: 'N', default: '2000', help: 'failure series at most; failures of further locations are counted as location="(over limit)"', complete: 'none' };
const SSH_MANY: FlagSpec = { ...SSH, repeat: true, help: `${SSH.help}; repeatable: one per host` };
const SUDO: FlagSpec = { name: 'sudo', help: 'read through passwordless sudo on the host (sudo -n); prefer the adm group' };

/** `exporter` (after `tail`) is `tail` without printed lines, with --metrics on by default: a service. */
function withExporter(commands: CommandSpec[]): CommandSpec[] {
  const at = commands.findIndex((c) => c.name === 'tail');
  commands.splice(at + 1, 0, exporterSpec(commands[at]!));
  return commands;
}

function exporterSpec(tail: CommandSpec): CommandSpec {
  const hidden = new Set(['format', 'failures', 'stop-on-stdin-eof', 'metrics']);
  return {
    name: 'exporter',
    summary: 'a tail for Prometheus: follows error logs like tail and serves the counts, prints no lines (run it as a service)',
    synopsis: '[--metrics HOST:PORT] [--config ROOT] [--ssh DEST] [--sudo] [--remote-config]\n                        [--metrics-max-series N] SOURCE... [--command ARGV...]',
    operands: tail.operands,
    flags: [{ ...METRICS, default: '127.0.0.1:9925' }, ...tail.flags.filter((f) => !hidden.has(f.name))],
    examples: [
      ['nginx-doctor exporter --config /etc/nginx/nginx.conf /var/log/nginx/error.log', 'metrics at http://127.0.0.1:9925/metrics'],
      ['nginx-doctor exporter --metrics 0.0.0.0:9925 --ssh web1 --remote-config /var/log/nginx/error.log', "another host's log, on every interface"],
    ],
    exit: tail.exit,
    notes: 'States and notices go to stderr (the journal under systemd). Metrics, the unit file, scrape config and alert rules: docs/prometheus.md.',
  };
}

export const COMMANDS: readonly CommandSpec[] = withExporter([
  {
    name: 'check',
    summary: 'check configs for the mistakes that cause 502/504s and everything nginx -t refuses',
    synopsis: `[--format text|json|sarif] [--nginx-version X.Y.Z] [--prefix DIR]\n                     [--conf-dir DIR] [--rule ID=${LEVELS}] [--stable-host NAME] FILE...`,
    operands: [{ name: 'FILE...', help: 'root configs (nginx.conf), or snippets (checked in the context their directives imply)', complete: 'file' }],
    flags: [
      { name: 'format', value: 'text|json|sarif', default: 'text', help: 'text: file:line:col: severity [rule] message; json: {"diagnostics":[...]}; sarif: SARIF 2.1.0 for code scanning', complete: ['text', 'json', 'sarif'] },
      NGINX_VERSION, PREFIX, CONF_DIR, RULE, STABLE_HOST,
    ],
    examples: [
      ['nginx-doctor check /etc/nginx/nginx.conf', 'every file it includes, in its context'],
      ['nginx-doctor check --format sarif --rule unknown-variable=off nginx.conf > nginx.sarif', 'for CI code scanning'],
    ],
    exit: '0 when no error is found, 1 when there is one, 2 on a usage or I/O failure',
  },
  {
    name: 'fix',
    summary: 'apply every preferred quick fix (the ones the editor offers) and report what is left',
    synopsis: '[--dry-run] [--nginx-version X.Y.Z] [--conf-dir DIR] [--rule ID=LEVEL] [--stable-host NAME] FILE...',
    operands: [{ name: 'FILE...', help: 'root configs or snippets, as for check; the files they include are fixed too', complete: 'file' }],
    flags: [
      { name: 'dry-run', help: 'print a unified diff instead of writing the files' },
      NGINX_VERSION, PREFIX, CONF_DIR, RULE, STABLE_HOST,
    ],
    examples: [
      ['nginx-doctor fix --dry-run /etc/nginx/nginx.conf', 'show what would change'],
      ['nginx-doctor fix nginx.conf && nginx -t -c "$PWD/nginx.conf"', 'write the fixes, then let nginx check them'],
    ],
    exit: '0 when no error is left, 1 when one remains, 2 on a usage or I/O failure',
  },
  {
    name: 'match',
    summary: 'which server block and location nginx picks for each URL',
    synopsis: '--config ROOT [--addr IP] [--format text|json] URL...',
    operands: [{ name: 'URL...', help: 'http(s) URLs; the host is the Host header, the port picks the listen', complete: 'none' }],
    flags: [
      { name: 'config', value: 'ROOT', help: 'the nginx.conf to match against (required)', complete: 'file' },
      { name: 'addr', value: 'IP', default: '127.0.0.1', help: 'the local address the connection arrives on (for listen ADDR:PORT)', complete: 'none' },
      { name: 'format', value: 'text|json', default: 'text', help: 'json: one {"url","server","location","reason"} object per line', complete: FORMAT2 },
      CONF_DIR,
    ],
    examples: [['nginx-doctor match --config /etc/nginx/nginx.conf https://example.com/api/v1/users', 'server and location, file:line']],
    exit: '0, or 2 on a usage or I/O failure',
  },
  {
    name: 'settings',
    summary: 'the effective timeouts, buffers, keepalive, headers and TLS of each location that proxies, with their source',
    synopsis: '--config ROOT [--format text|json] [--nginx-version X.Y.Z] [--addr IP]\n                        [URL | --location FILE:LINE]',
    operands: [{ name: 'URL', help: 'an http(s) URL: only the location nginx picks for it (its host is the Host header, its port picks the listen)', complete: 'none' }],
    flags: [
      { name: 'config', value: 'ROOT', help: 'the nginx.conf to read (required)', complete: 'file' },
      { name: 'location', value: 'FILE:LINE', help: 'only the location at this line (its own line or any line inside it)', complete: 'none' },
      { name: 'format', value: 'text|json', default: 'text', help: 'json: {"root","nginxVersion","locations":[{location,block,pass,module,upstream,settings:[{group,name,value,file,line,level,default,note}]}]}', complete: FORMAT2 },
      { ...NGINX_VERSION, default: 'unknown: the defaults of an nginx before 1.29.7, with the values of other versions where they differ', help: 'the nginx version whose defaults are shown, e.g. 1.24.0' },
      { name: 'addr', value: 'IP', default: '127.0.0.1', help: 'with a URL: the local address the connection arrives on (for listen ADDR:PORT)', complete: 'none' },
      CONF_DIR,
    ],
    examples: [
      ['nginx-doctor settings --config /etc/nginx/nginx.conf', 'every location that proxies'],
      ['nginx-doctor settings --config nginx.conf --nginx-version 1.24.0 https://shop.example/api/cart', 'the location a URL reaches'],
      ['nginx-doctor settings --config nginx.conf --location conf.d/api.conf:12 --format json', 'one location, as JSON'],
    ],
    exit: '0; 1 when the URL or --location selects no location that passes requests to a backend; 2 on a usage or I/O failure',
    notes: 'Each value says where it comes from: FILE:LINE (level) for a directive, "default" for nginx\'s default of that version (defaults that changed between releases come from nginx\'s sources; see docs/catalog.md). Lists (proxy_set_header, fastcgi_param) show the level that decides them plus the defaults nginx adds.',
  },
  {
    name: 'explain',
    summary: 'link the 502/504 lines of an error or access log to their location, with the cause',
    synopsis: '--config ROOT [--format text|json] [--all] [--resolve] [--resolve-via PREFIX] [LOGFILE|-]',
    operands: [{ name: 'LOGFILE', help: 'an error.log or access.log; "-" or nothing: standard input', complete: 'file' }],
    flags: [
      { name: 'config', value: 'ROOT', help: 'the nginx.conf that wrote the log (required)', complete: 'file' },
      { name: 'format', value: 'text|json', default: 'text', help: 'text: a report grouped by location; json: one object per line', complete: FORMAT2 },
      { name: 'all', help: 'every parsed line, not only upstream failures' },
      { name: 'resolve', help: "resolve the config's backend host names here (getent ahosts) and name lines whose peer is no longer the name's address upstream-stale-address; use it where nginx runs" },
      { name: 'resolve-via', value: 'PREFIX', help: 'resolve through a command prefix, words split at spaces (no shell), e.g. "docker exec web" for nginx in a container; implies --resolve', complete: 'none' },
      CONF_DIR,
    ],
    examples: [
      ['nginx-doctor explain --config /etc/nginx/nginx.conf /var/log/nginx/error.log', 'grouped by location'],
      ['journalctl -u nginx -o cat | nginx-doctor explain --config nginx.conf --format json -', 'from stdin'],
      ['nginx-doctor explain --config nginx.conf --resolve-via "docker exec web" error.log', 'backend names resolved inside the nginx container'],
    ],
    exit: '0, or 2 on a usage or I/O failure; unparsable lines are counted on stderr',
  },
  {
    name: 'tail',
    summary: 'follow error logs live (files, SSH hosts, a command); 502/504 lines get their cause and location',
    synopsis: '[--config ROOT] [--ssh DEST]... [--sudo] [--remote-config] [--format text|json]\n                    [--failures] [--from-start] [--metrics HOST:PORT] [--ssh-config FILE]\n                    [--sources FILE|JSON] SOURCE... [--command ARGV...]',
    operands: [{ name: 'SOURCE...', help: 'a local path, a path on each --ssh DEST (default with --ssh: /var/log/nginx/error.log), or ssh://[user@]host[:port]/absolute/path', complete: 'file' }],
    flags: [
      { name: 'config', value: 'ROOT', default: 'lines are shown without links', help: 'the nginx.conf lines are linked to', complete: 'file' },
      CONF_DIR,
      SSH_MANY,
      SUDO,
      { name: 'remote-config', help: 'link SSH sources to the deployed config (nginx -T over the same connection); implied with several --ssh' },
      { name: 'remote-nginx-conf', value: 'FILE', help: 'with --remote-config: nginx -T -c FILE on the host', complete: 'none' },
      { name: 'remote-config-dir', value: 'DIR', help: 'with --remote-config: save read-only copies of the deployed files here, for links', complete: 'dir' },
      { name: 'format', value: 'text|json', default: 'text', help: 'json: one event per line (line, state, notice; see docs/tail.md)', complete: FORMAT2 },
      { name: 'failures', help: 'print only upstream failures' },
      { name: 'from-start', help: 'read each file from its start' },
      { name: 'backlog', value: 'BYTES', default: '0, start at the end', help: 'show up to BYTES of history first (whole lines)', complete: 'none' },
      { name: 'rotation-quiet', value: 'DURATION', default: '5s', help: 'after a rename rotation, keep reading the old file until it has been quiet this long once the new one has a line', complete: 'none' },
      { name: 'rotation-max', value: 'DURATION', default: '60s', help: 'stop reading a renamed file this long after the rotation at the latest', complete: 'none' },
      METRICS,
      METRICS_MAX_SERIES,
      SSH_CONFIG,
      { name: 'sources', value: 'FILE|JSON', repeat: true, help: 'sources as in the nginxDoctor.logSources setting: a file holding [{"name","host","path","command","sudo","config"}], or that JSON itself', complete: 'file' },
      { name: 'stop-on-stdin-eof', help: 'stop when standard input closes (what the editor passes)' },
      { name: 'command', value: 'ARGV...', help: 'everything after it is a program and its arguments whose output is the log (no shell)', complete: 'none' },
    ],
    examples: [
      ['nginx-doctor tail --config /etc/nginx/nginx.conf /var/log/nginx/error.log', 'this machine'],
      ['nginx-doctor tail --ssh deploy@web1 --remote-config --failures /var/log/nginx/error.log', 'an SSH host, linked to its deployed config'],
      ['nginx-doctor tail --command docker logs -f --tail 0 web', "a container's output"],
      ['nginx-doctor tail --config /etc/nginx/nginx.conf --failures --metrics 9925 /var/log/nginx/error.log', 'and serve counts for Prometheus on 127.0.0.1:9925'],
      ['nginx-doctor tail --config nginx.conf --ssh web1 --ssh web2 --ssh web3 --sudo --failures', 'a fleet: each host linked to its deployed config'],
    ],
    exit: '0 when stopped (Ctrl-C, SIGTERM), 1 when every source has failed, 2 on a usage error',
    notes: 'DURATION: 300ms, 5s, 2m, or a number of seconds. States and notices (rotations, gaps) go to stderr.',
  },
  {
    name: 'doctor',
    summary: 'run the 502 checklist against this machine or SSH hosts (read-only)',
    synopsis: '[--ssh DEST]... [--sources FILE|JSON] [--sudo] [--config ROOT] [--format text|json] [--nginx PATH]\n                      [--nginx-conf PATH] [--pid PID] [--error-log PATH]... [--lines N]\n                      [--timeout SECONDS] [--save-config DIR] [--compare PREVIOUS.json] [--request]\n                      [--backends JSON]',
    operands: [],
    flags: [
      SSH_MANY,
      { name: 'sources', value: 'FILE|JSON', repeat: true, help: 'the SSH hosts of a nginxDoctor.logSources list (its "host" and "sudo"), as for tail', complete: 'file' },
      SUDO,
      { name: 'config', value: 'ROOT', default: 'the config nginx -T prints on the host', help: "the workspace's nginx.conf", complete: 'file' },
      CONF_DIR,
      { name: 'format', value: 'text|json', default: 'text', help: 'json: {"host","date","instances":[...],"checks":[{"id","title","status","found","expected","advice","location"}]}', complete: FORMAT2 },
      { name: 'nginx', value: 'PATH', default: 'nginx on the host\'s PATH', help: 'the nginx binary on the host (absolute path)', complete: 'none' },
      { name: 'nginx-conf', value: 'PATH', default: "each running master's -c (and -p, -g), else nginx -V's --conf-path", help: 'check this main config on the host instead (absolute path)', complete: 'none' },
      { name: 'pid', value: 'PID', default: 'every running master', help: 'check only the nginx master with this pid (when several run)', complete: 'none' },
      { name: 'error-log', value: 'PATH', repeat: true, default: "the running config's error_log files", help: 'read this error log on the host (absolute path); repeatable', complete: 'none' },
      { name: 'lines', value: 'N', default: '1000', help: 'error-log lines read per log (1-100000)', complete: 'none' },
      { name: 'timeout', value: 'SECONDS', default: '60', help: 'time limit per phase (1-3600)', complete: 'none' },
      SSH_CONFIG,
      { name: 'save-config', value: 'DIR', help: 'write read-only copies of the deployed config here, so links open them', complete: 'dir' },
      { name: 'compare', value: 'FILE', help: 'a previous --format json report: say which failing rows pass now (log lines older than that run do not count)', complete: 'file' },
      { name: 'request', help: 'send one GET per failing location through nginx, from the host over loopback (host, URI and port from its newest failing log line): status and time to the first byte' },
      { name: 'backends', value: 'JSON', help: 'where backends run, as in the nginxDoctor.backends setting: {"ADDRESS or UPSTREAM": {"host": "user@host", "unit": "app.service", "sudo": false}}; a failed backend\'s unit, ports and journal are checked there', complete: 'none' },
    ],
    examples: [
      ['nginx-doctor doctor --config nginx.conf', 'this machine, the workspace\'s config'],
      ['nginx-doctor doctor --format json > before.json; nginx -s reload; nginx-doctor doctor --compare before.json --request', 'after a fix: which rows pass now, and what a request gets'],
      ['nginx-doctor doctor --ssh web1 --sudo --format json', 'an SSH host, its deployed config'],
      ['nginx-doctor doctor --ssh web1 --backends \'{"app_pool": {"host": "deploy@app1", "unit": "gunicorn.service"}}\'', 'and the machine of a failed backend'],
      ['nginx-doctor doctor --config nginx.conf --ssh web1 --ssh web2 --sudo', 'a checklist per host and a fleet summary'],
    ],
    exit: '1 when a check fails, 0 otherwise, 2 on a usage error or an unreadable --config',
  },
  {
    name: 'lsp',
    summary: 'start the language server on stdin/stdout (for editors other than VS Code)',
    synopsis: '--stdio',
    operands: [],
    flags: [{ name: 'stdio', help: 'speak LSP over standard input and output (the only transport)' }],
    examples: [['nginx-doctor lsp --stdio', 'e.g. as the command of a Neovim or Helix language server entry']],
    exit: 'runs until the client asks it to exit',
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    synopsis: 'bash|zsh|fish',
    operands: [{ name: 'SHELL', help: 'bash, zsh or fish', complete: ['bash', 'zsh', 'fish'] }],
    flags: [],
    examples: [
      ['source <(nginx-doctor completion bash)', 'bash, this session (or save it to ~/.local/share/bash-completion/completions/nginx-doctor)'],
      ['nginx-doctor completion zsh > "${fpath[1]}/_nginx-doctor"', 'zsh (then restart it)'],
      ['nginx-doctor completion fish > ~/.config/fish/completions/nginx-doctor.fish', 'fish'],
    ],
    exit: '0, or 2 for an unknown shell',
  },
]);

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The names of a command's valued and boolean flags, for parseArgs. */
export function flagNames(spec: CommandSpec): { valued: string[]; booleans: string[] } {
  return {
    valued: spec.flags.filter((f) => f.value !== undefined && f.name !== 'command').map((f) => f.name),
    booleans: spec.flags.filter((f) => f.value === undefined).map((f) => f.name),
  };
}

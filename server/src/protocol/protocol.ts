// Names and message shapes shared by the extension (client) and the language server. Types and
// constants only: both sides import this file, nothing else crosses the boundary.

export const CONFIG_SECTION = 'nginxDoctor';
export const LANGUAGE_ID = 'nginx';
/** The code action kind of "Fix all nginx-doctor problems in this file" (editor.codeActionsOnSave, the palette command). */
export const FIX_ALL_KIND = 'source.fixAll.nginx-doctor';

export type SeveritySetting = 'off' | 'error' | 'warning' | 'info' | 'hint';

/** Settings under "nginxDoctor." that the server reads (mirrored in package.json contributes). */
export interface Settings {
  /** nginx version to check against, e.g. "1.24.0"; empty: ask `nginx -v` (trusted workspaces) or accept every version. */
  nginxVersion: string;
  /** Root configs (absolute, or relative to the workspace folder); empty: found by scanning the workspace. */
  rootConfig: string[];
  /** Base directory for relative include paths; empty: the root config's directory. */
  confDir: string;
  /** Severity per rule id. */
  rules: Record<string, SeveritySetting>;
  /** The nginx binary used for `nginx -v` (machine setting, trusted workspaces only). */
  nginxPath: string;
  /** proxy_read_timeout that the WebSocket quick fix sets. */
  websocketReadTimeout: string;
  /** Host names that never move: static-hostname-upstream is silent for them ("*.example.com" covers every name under it). */
  stableHostnames: string[];
  /** Directories outside the workspace folders and the conf prefix that includes may read (restricted setting). */
  allowedIncludePaths: string[];
}

export const DEFAULT_SETTINGS: Settings = {
  nginxVersion: '',
  rootConfig: [],
  confDir: '',
  rules: {},
  nginxPath: 'nginx',
  websocketReadTimeout: '3600s',
  stableHostnames: [],
  allowedIncludePaths: [],
};

/** Options the client sends in `initialize`. */
export interface InitializationOptions {
  /** False in a restricted (untrusted) workspace: the server must not start processes. */
  trusted: boolean;
}

/** Client → server notification when the workspace becomes trusted. */
export const TRUST_CHANGED = 'nginxDoctor/trustChanged';
export interface TrustChangedParams {
  trusted: boolean;
}

/** Client → server request: how a file is analysed (for the language status item). */
export const FILE_INFO = 'nginxDoctor/fileInfo';
export interface FileInfoParams {
  uri: string;
}
export interface FileInfo {
  /** Root configs that include this file (paths). */
  roots: string[];
  /** Set when the file is analysed alone, as if inside this context. */
  assumedContext?: string;
  /** The nginx version checked against, and where it came from. */
  nginxVersion: string | null;
  versionSource: 'setting' | 'nginx -v' | 'none';
  trusted: boolean;
  /** Restricted mode: settings left out because they point outside the workspace (sentences). */
  ignoredSettings?: string[];
}

// ----- Live log tailing (nginx-doctor tail, "Nginx: Tail Error Log...") -------------------------

/** One entry of the `nginxDoctor.logSources` setting (nothing secret: keys stay in ~/.ssh and the agent). */
export interface LogSourceSetting {
  /** Shown on every line and in the status bar. */
  name: string;
  /** SSH destination ("user@host", "host", an alias from ~/.ssh/config, "ssh://user@host:port"); absent: a local file. */
  host?: string;
  /** The log file (on the host when `host` is set). */
  path?: string;
  /** A command that prints the log (argv, never a shell string), e.g. ["docker", "exec", "web", "tail", "-F", "/var/log/nginx/error.log"]. */
  command?: string[];
  /** Read the remote file through `sudo -n` (passwordless sudo only). */
  sudo?: boolean;
  /** The nginx.conf to link lines to: a workspace path, or "remote" for the deployed config (`nginx -T` over the same SSH connection). */
  config?: string;
}

/** Settings of the tail view (mirrored in package.json contributes). */
export interface TailSettings {
  logSources: LogSourceSetting[];
  /** Lines kept per view (older ones are dropped), whatever the rate. */
  tailMaxLines: number;
}

export const DEFAULT_TAIL_SETTINGS: TailSettings = { logSources: [], tailMaxLines: 10_000 };

export type TailState = 'connecting' | 'live' | 'reconnecting' | 'waiting' | 'failed' | 'stopped';

export type TailFailure =
  | 'auth' | 'host-key-unknown' | 'host-key-changed' | 'permission-denied' | 'not-found' | 'not-regular'
  | 'sudo' | 'connection' | 'command' | 'remote' | 'invalid';

/** A place in a config file, 1-based line. `open`: a local copy to open when `file` is remote. */
export interface TailPlace {
  file: string;
  line: number;
  open?: string;
  /**
   * Linked to a host's deployed config (`nginx -T`) while a workspace config exists, and this file
   * is not the workspace's: `file` is the path on the host, `open` its read-only copy, `workspace`
   * the workspace file of the same relative path (null: none), `differsAt` the first differing line
   * (-1: the workspace has no such file). Absent when the host runs the workspace's file unchanged
   * (then `file` is the workspace file).
   */
  differs?: { host: string; workspace: string | null; differsAt: number };
}

/**
 * What `nginx-doctor tail --format json` prints, one JSON object per line; the extension reads
 * the same stream.
 */
export type TailEvent = TailLineEvent | TailStateEvent | TailNoticeEvent;

export interface TailLineEvent {
  type: 'line';
  source: string;
  /** The machine the line comes from: the SSH destination as given (alias, user@host, ssh://host:port), or this machine's host name for local files and commands. Several sources can share one host. */
  host: string;
  /** Per-source line counter, from 1. */
  seq: number;
  /** Already in the file when following started (history shown first), not a new line. */
  history?: boolean;
  /** The log line as written (several physical lines for multi-line FastCGI/Lua entries). */
  text: string;
  kind: 'error' | 'access' | 'other';
  /** Error-log level ("error", "warn" ...); null for access-log and unparsed lines. */
  level: string | null;
  time: string | null;
  /** An upstream failure (what `nginx-doctor explain` reports). */
  failure: boolean;
  /** The status the client got (502, 504 ...) when known. */
  status: number | null;
  cause?: { id: string; title: string };
  summary?: string;
  server?: (TailPlace & { name: string }) | null;
  location?: (TailPlace & { modifier: string; pattern: string }) | null;
  confidence?: string;
  /** Why the link is not exact (one sentence); absent when it is. */
  why?: string;
  fixes?: string[];
}

export interface TailStateEvent {
  type: 'state';
  source: string;
  /** As in TailLineEvent. */
  host: string;
  state: TailState;
  reason?: TailFailure;
  /** What happened, in words. */
  message?: string;
  /** What to do about it. */
  fix?: string;
  /** For reconnecting: when the next attempt starts. */
  retryInMs?: number;
  /** reconnecting: the attempt that failed (1: the outage just began); live after an outage: the attempts it took and how long it lasted. */
  attempt?: number;
  attempts?: number;
  downMs?: number;
}

export interface TailNoticeEvent {
  type: 'notice';
  source: string;
  /** As in TailLineEvent. */
  host: string;
  kind: 'rotated' | 'gap' | 'config' | 'stderr' | 'retry';
  message: string;
  /** kind "gap": what is known about the lines that cannot be shown. */
  gap?: TailGap;
  /** kind "retry": the reconnect attempt that just failed (the first is reported by the "reconnecting" state), and the wait before the next. */
  attempt?: number;
  retryInMs?: number;
}

/**
 * Lines that were written but cannot be shown, and what is known about them. `file`: the file
 * they were in (e.g. "error.log.1"), null when unknown; `fromByte`: where in it the missing part
 * starts; `bytes`: how many bytes are missing, null when unknown.
 *   not-found            rotated while disconnected; the file that was being read is not next to the log any more
 *   missing-generation   a whole rotated generation in between is gone (error.log.2 found, error.log.1 not)
 *   unreadable           a rotated file that cannot be read (e.g. .zst without zstd)
 *   copytruncate-window  written after logrotate's copy and before its truncation, so in no file
 *   truncated            truncated with no copy next to it (`: > error.log`) before everything was read
 *   still-written        the renamed file was still being written when the rotation limit ended reading it
 */
export interface TailGap {
  reason: 'not-found' | 'missing-generation' | 'unreadable' | 'copytruncate-window' | 'truncated' | 'still-written';
  file: string | null;
  fromByte?: number;
  bytes: number | null;
}

// ----- Explaining log lines and matching URLs in the editor ("Nginx: Explain this 502") --------

/** Client → server request: explain log lines against a root config of the workspace. */
export const EXPLAIN_LINES = 'nginxDoctor/explainLines';
export interface ExplainLinesParams {
  lines: string[];
  /** The root config (file URI or path); absent: the workspace's first root config. */
  rootUri?: string;
  /** Only lines that are upstream failures (what `nginx-doctor explain` reports by default). */
  failuresOnly?: boolean;
}
/** A place in a config file: absolute path, 1-based line. */
export interface ConfigPlace {
  file: string;
  line: number;
}
export interface ExplainedSetting extends ConfigPlace {
  name: string;
  value: string;
  /** True when no directive sets it and nginx's default applies (then file/line are empty/0). */
  isDefault?: boolean;
}
export interface ExplainedLine {
  /** Index into the request's `lines`. */
  index: number;
  logLine: string;
  failure: boolean;
  cause: { id: string; title: string };
  status: number | null;
  message: string;
  summary: string;
  time: string | null;
  level: string | null;
  request: { method: string; uri: string } | null;
  upstream: string | null;
  host: string | null;
  serverName: string | null;
  serverBlock: (ConfigPlace & { name: string }) | null;
  location: (ConfigPlace & { modifier: string; pattern: string }) | null;
  confidence: string;
  /** What the confidence means, in one sentence. */
  confidenceMeaning: string;
  /** Why the link is not exact, in one sentence; null when it is. */
  why: string | null;
  /** How the request got to the location from the one its URI selects (error_page, try_files); [] when it is that one. */
  via: string[];
  /** Other places that may have written the line (ambiguous and likely answers), with why. */
  candidates: { serverBlock: ConfigPlace & { name: string }; location: (ConfigPlace & { modifier: string; pattern: string }) | null; why: string }[];
  reasons: string[];
  settings: ExplainedSetting[];
  /** The *_pass target and the servers of its upstream block (or the address itself). */
  upstreamServers: { group: string | null; pass: (ConfigPlace & { text: string }) | null; servers: (ConfigPlace & { address: string; text: string })[] };
  fixes: string[];
  /** The quick fixes (same engine as the editor's code actions) of the problems found in the location. */
  quickFixes?: ExplainQuickFix[];
}
export interface ExplainQuickFix {
  title: string;
  rule: string;
  message: string;
  edits: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
}
export interface ExplainLinesResult {
  root: string | null;
  explanations: ExplainedLine[];
  /** Set when nothing could be explained (no root config, ...). */
  error?: string;
}

/** Client → server request: which server block and location handle a URL (the CLI's match JSON). */
export const MATCH_URL = 'nginxDoctor/matchUrl';
export interface MatchUrlParams {
  url: string;
  rootUri?: string;
  /** Local address the connection arrives on (default 127.0.0.1). */
  addr?: string;
}
export interface MatchUrlResult {
  url: string;
  root: string | null;
  server: (ConfigPlace & { name: string }) | null;
  location: (ConfigPlace & { modifier: string; pattern: string }) | null;
  reason: string[];
  status?: number | null;
  error?: string;
}

/**
 * Client → server request: open a TCP connection (or a unix socket) to a backend address of an
 * explain report ("10.0.0.5:8080", "backend:80", "unix:/run/php.sock") and close it at once.
 * Trusted workspaces only; the answer says whether something listens there.
 */
export const PROBE_BACKEND = 'nginxDoctor/probeBackend';
export interface ProbeBackendParams {
  address: string;
}
export interface ProbeBackendResult {
  ok: boolean;
  text: string;
}

// ----- "Check server for 502 causes" (`nginx-doctor doctor --format json`) ----------------------

export type DoctorStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One row of the checklist. `id` names the kind of check; a kind can have several rows (one per upstream). */
/**
 * One entry of the `nginxDoctor.backends` setting (CLI `--backends JSON`), keyed by an upstream
 * address as the config writes it ("10.0.0.5:8080", "unix:/run/app.sock") or an upstream name:
 * where a backend runs, so that the doctor can look at its machine when it fails.
 */
export interface BackendHostSetting {
  /** SSH destination of the backend's machine; absent: the nginx host itself. */
  host?: string;
  /** The systemd unit that runs the backend, e.g. "gunicorn.service". */
  unit: string;
  /** Run the read-only commands there through `sudo -n` (e.g. to read the journal). */
  sudo?: boolean;
}

export interface DoctorCheck {
  id: string;
  title: string;
  status: DoctorStatus;
  found: string;
  expected: string;
  advice: string;
  location: { file: string; line: number } | null;
  /** Error-log lines behind this row (up to 20), for "Explain" in the editor. Optional. */
  logLines?: string[];
  /** location-settings: the failure cause of the row, how many failures, and the settings that matter for it. */
  cause?: string;
  failures?: number;
  settings?: DoctorSetting[];
  /** With --compare: the status of the same row in the previous report (null: no such row then). */
  previous?: DoctorStatus | null;
  /** When several nginx masters are checked: the pid of the one this row is about (null: the config of none running). */
  instance?: number | null;
}

/** An effective setting of a failing location: where it is set (null: nginx's default). */
export interface DoctorSetting {
  name: string;
  value: string;
  file: string | null;
  line: number | null;
  level: string;
  default: boolean;
}

/** A running nginx (or the compiled-in config when none runs) that the doctor checked. */
export interface DoctorInstance {
  pid: number | null;
  binary: string;
  /** The main config and prefix, resolved. */
  conf: string;
  prefix: string;
  confFrom: string;
  /** The master's -p, -c, -g, -e words, as given to nginx -t / -T. */
  options: string[];
  /** The error logs read for it. */
  errorLogs: string[];
}

/** --compare PREVIOUS.json: which rows that failed or warned then pass now. */
export interface DoctorComparison {
  previous: string;
  /** The host's clock at the previous run: log lines from before it do not count this time. */
  previousDate: string | null;
  /** Titles of rows that failed or warned before and pass now (or whose location had no failures since). */
  fixed: string[];
  stillFailing: string[];
  /** Rows that fail or warn now and did not before. */
  newFailures: string[];
}

export interface DoctorReport {
  host: string;
  compare?: DoctorComparison;
  /** The host's clock when the checks ran ("YYYY/MM/DD HH:MM:SS", as nginx logs), if read. */
  date?: string | null;
  /** The nginx instances checked: one per running master (or the one --pid picked). */
  instances?: DoctorInstance[];
  checks: DoctorCheck[];
}

/**
 * `nginx-doctor doctor` over several hosts (`--ssh A --ssh B ...`): `host` names the fleet, `checks`
 * holds the fleet summary as rows (ids "fleet-config" and "fleet-backend", so a reader of the
 * one-host shape still sees what matters), `hosts` one report per host in the order given, `fleet`
 * the same summary as data.
 */
export interface DoctorFleetReport extends DoctorReport {
  hosts: DoctorReport[];
  fleet: DoctorFleetSummary;
}

export interface DoctorFleetSummary {
  /** Per host: whether the checks could run, and its deployed config against the workspace's. */
  config: {
    host: string;
    /** same: nginx -T equals the workspace; differs: see `first`; unknown: not compared (no --config, or nginx -T failed); unreachable: the checks could not run. */
    state: 'same' | 'differs' | 'unknown' | 'unreachable';
    /** What was found, in words (the deployed-config row's finding, or why not). */
    found: string;
    /** The first differing line: the workspace file and line, and that line's text in the workspace (null: beyond its end). */
    first: { file: string; line: number; workspaceText: string | null } | null;
  }[];
  /** Backends that fail from at least one host. */
  backends: {
    /** The backend row's title ("backend 10.0.0.5:8080 (upstream app) accepts connections"). */
    backend: string;
    /** everywhere: fails from every host that probed it; some: fails from some, works from others. */
    scope: 'everywhere' | 'some';
    failing: { host: string; found: string }[];
    ok: string[];
    location: { file: string; line: number } | null;
  }[];
}

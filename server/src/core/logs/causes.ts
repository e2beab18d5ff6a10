// The catalogue of upstream failures nginx logs (nginx-facts §2): every message classified into a
// cause id, and what each cause knows as fields of its record: the status the client got, a plain
// explanation, the checks worth doing, the directives that control it, the settings whose values
// explain shows, the limit a too-small value of which causes it, whether probing the backend
// helps. Directive and setting names are written for the proxy module; core/upstream/settings.ts
// maps them to fastcgi_/grpc_/uwsgi_/scgi_ when the request was made by that module.
// docs/logs.md's cause table is generated from these records (scripts/gen-cause-table.mjs).
import type { ErrorLogEntry } from './error-log';

/** What a cause knows. */
export interface CauseRecord {
  /** What the client got: 502, 504 ..., null when it depends or the response was only cut short. */
  readonly status: number | null;
  readonly title: string;
  readonly explanation: string;
  /** What to check, in words; shown with the explanation (advice). */
  readonly checks: readonly string[];
  /** The directives that control it (for the docs and the reader). */
  readonly directives: readonly string[];
  /** Settings whose effective value (or default) at the failing block is shown with it (proxy_ form). */
  readonly settings?: readonly string[];
  /** The setting that causes this failure when set too low (proxy_ form): the doctor flags its value. */
  readonly limit?: string;
  /** The backend's address matters: show where it comes from, and probing it tells something. */
  readonly probeHelps?: boolean;
  /** Advice that depends on the peer being a unix socket or a TCP address. */
  readonly peerAdvice?: { readonly unix: string; readonly tcp: string };
}

const RECORDS = {
  // ----- 502: connecting -----
  'upstream-refused': {
    status: 502,
    title: 'backend refused the connection',
    explanation: 'nginx reached the backend address but nothing was listening there (or a unix socket file exists with no process behind it). The backend is down, restarting, or listening on another port or interface.',
    checks: ['Is the backend process running? (systemctl status, docker ps)', 'Does it listen on the exact address and port in the upstream field? (ss -ltnp)', 'A backend bound to 127.0.0.1 is not reachable on another interface, and one bound to ::1 not on 127.0.0.1', 'A stale unix socket file needs its service restarted'],
    directives: ['proxy_pass', 'upstream', 'server'],
    probeHelps: true,
  },
  'upstream-socket-missing': {
    status: 502,
    title: 'backend unix socket does not exist',
    explanation: 'The unix socket named in the upstream address is not there: the backend (php-fpm, gunicorn, ...) is not running, listens on another path, or the socket lives in a private /tmp (systemd PrivateTmp) that nginx cannot see.',
    checks: ['ls -l the socket path from the upstream field', 'Compare it with the backend\'s listen setting (php-fpm pool "listen =", gunicorn --bind)', 'Avoid sockets in /tmp when the backend runs with PrivateTmp=true'],
    directives: ['fastcgi_pass', 'proxy_pass', 'uwsgi_pass'],
    probeHelps: true,
  },
  'upstream-permission-denied': {
    status: 502,
    title: 'permission denied connecting to the backend',
    explanation: 'The kernel refused the connect() with EACCES. For a unix socket the nginx worker user cannot write to the socket file; for a TCP address this is almost always SELinux refusing network connections from the web server.',
    checks: ['unix socket: check owner, group and mode of the socket and its directories (php-fpm listen.owner / listen.group / listen.mode) against the nginx "user"', 'TCP: getsebool httpd_can_network_connect; enable it with setsebool -P httpd_can_network_connect 1', 'Look for AVC denials: ausearch -m avc -ts recent'],
    directives: ['user', 'proxy_pass', 'fastcgi_pass'],
    probeHelps: true,
    peerAdvice: {
      unix: 'the peer is a unix socket: check its file permissions against the nginx worker user',
      tcp: 'the peer is a TCP address: on SELinux systems check httpd_can_network_connect',
    },
  },
  'upstream-unreachable': {
    status: 502,
    title: 'backend network unreachable',
    explanation: 'There is no route to the backend host (network unreachable, host unreachable, or a firewall answering with REJECT).',
    checks: ['Can this machine reach the address at all? (ip route get ADDR, nc -vz ADDR PORT)', 'Check firewalls between nginx and the backend', 'Is the backend host or container up, and is its IP still the one nginx resolved at start-up?'],
    directives: ['proxy_pass', 'upstream', 'server', 'resolver'],
    probeHelps: true,
  },
  'upstream-stale-address': {
    status: 502,
    title: 'nginx still uses an old address for a backend name',
    explanation: 'The config names the backend by a host name, which nginx resolved once, when it started. The name now resolves to another address (the container was recreated, the load balancer rotated its addresses), but nginx keeps connecting to the old one until it is reloaded. Found by resolving the name where nginx runs, not from the message.',
    checks: ['Reload nginx (nginx -s reload) so that it resolves the name again', 'Compare getent hosts NAME on the nginx host with the address in the upstream field', 'Stop it happening again: see the rule static-hostname-upstream (a resolver with a variable in proxy_pass, or server ... resolve from nginx 1.27.3 on)'],
    directives: ['proxy_pass', 'upstream', 'server', 'resolver'],
    probeHelps: true,
  },
  'upstream-address-exhausted': {
    status: 502,
    title: 'no local address/port left to connect from',
    explanation: 'connect() failed with EADDRNOTAVAIL: the machine ran out of ephemeral ports towards this backend (many short-lived connections in TIME_WAIT), or proxy_bind names an address this host does not have.',
    checks: ['Count connections in TIME_WAIT to the backend (ss -tan state time-wait | wc -l)', 'Reuse connections: keepalive in the upstream block plus proxy_http_version 1.1 and proxy_set_header Connection ""', 'Check net.ipv4.ip_local_port_range and any proxy_bind address'],
    directives: ['keepalive', 'proxy_http_version', 'proxy_set_header', 'proxy_bind'],
  },
  'upstream-backlog-full': {
    status: 502,
    title: 'backend unix socket backlog full',
    explanation: 'connect() to a unix socket failed with EAGAIN: the backend\'s accept queue is full because all its workers are busy.',
    checks: ['Raise the backend\'s worker count (php-fpm pm.max_children) or make requests faster', 'Raise the backend\'s listen backlog (php-fpm listen.backlog) and net.core.somaxconn', 'Look for slow requests in the backend\'s own logs'],
    directives: ['fastcgi_pass', 'proxy_pass'],
  },
  'upstream-kernel-connect-timeout': {
    status: 502,
    title: 'the kernel gave up connecting to the backend',
    explanation: 'The operating system\'s TCP connect timeout fired before nginx\'s own: SYNs to the backend were never answered (host down, firewall dropping packets).',
    checks: ['Check the backend host is up and that packets to the port are not silently dropped', 'proxy_connect_timeout is longer than the kernel\'s SYN retry time; lower it to fail over faster'],
    directives: ['proxy_connect_timeout', 'proxy_next_upstream'],
    settings: ['proxy_connect_timeout'],
  },
  'no-live-upstreams': {
    status: 502,
    title: 'no live servers in the upstream group',
    explanation: 'Every server of the upstream group is marked failed (max_fails within fail_timeout), down, or at max_conns, so nginx did not even try. This follows earlier connection errors: those are the real cause.',
    checks: ['Look at the error lines just before this one for the first failures', 'Check the backends of the group are up', 'max_fails/fail_timeout decide how long a failed server is skipped (default 1 failure, 10s)'],
    directives: ['upstream', 'server', 'max_fails', 'fail_timeout', 'proxy_next_upstream'],
    probeHelps: true,
  },
  'upstream-unresolved': {
    status: 502,
    title: 'backend host name could not be resolved',
    explanation: 'proxy_pass uses a variable, so nginx resolves the host name at request time with its own resolver, and the DNS query failed (name not found, server failure, or timeout).',
    checks: ['dig the name against the resolver address nginx uses', 'In containers, use the platform resolver (Docker: 127.0.0.11; Kubernetes: the cluster DNS and fully qualified service names)', 'Check the spelling of the name in the variable'],
    directives: ['resolver', 'resolver_timeout', 'proxy_pass'],
    settings: ['resolver'],
  },
  'no-resolver': {
    status: 502,
    title: 'no resolver for a host name in a variable proxy_pass',
    explanation: 'proxy_pass contains a variable and its host part is a name that is neither an upstream group nor an IP address, so nginx must resolve it at request time, but no resolver is configured.',
    checks: ['Add a resolver directive (e.g. resolver 127.0.0.53; or your DNS server)', 'Or define an upstream group with that name, or use a literal address'],
    directives: ['resolver', 'proxy_pass', 'upstream'],
    settings: ['resolver'],
  },
  'upstream-tls-to-plain-http': {
    status: 502,
    title: 'HTTPS spoken to a plain-HTTP backend',
    explanation: 'proxy_pass (or grpc_pass) uses https:// / grpcs://, but the backend port speaks plain HTTP: the TLS handshake got an HTTP answer ("wrong version number").',
    checks: ['Use http:// in proxy_pass for this port, or point it at the backend\'s TLS port'],
    directives: ['proxy_pass', 'grpc_pass', 'proxy_ssl_protocols'],
    probeHelps: true,
  },
  'upstream-tls-handshake-failed': {
    status: 502,
    title: 'TLS handshake with the backend failed',
    explanation: 'The TLS handshake with the backend failed: no common protocol or cipher, the backend needs SNI (proxy_ssl_server_name is off by default), wants a client certificate, or closed the connection during the handshake.',
    checks: ['Try openssl s_client -connect ADDR -servername NAME against the backend', 'Turn on proxy_ssl_server_name (and set proxy_ssl_name) for SNI-routed backends such as CDNs and ingress controllers', 'Compare proxy_ssl_protocols / proxy_ssl_ciphers with what the backend accepts'],
    directives: ['proxy_ssl_server_name', 'proxy_ssl_name', 'proxy_ssl_protocols', 'proxy_ssl_ciphers', 'proxy_ssl_certificate'],
    settings: ['proxy_ssl_server_name'],
  },
  'upstream-tls-verify-failed': {
    status: 502,
    title: 'backend certificate not trusted',
    explanation: 'proxy_ssl_verify is on and the backend\'s certificate did not verify: its chain does not lead to proxy_ssl_trusted_certificate, it expired, or its name does not match proxy_ssl_name.',
    checks: ['Inspect the chain: openssl s_client -connect ADDR -servername NAME -showcerts', 'Point proxy_ssl_trusted_certificate at the CA that issued the backend certificate', 'Check proxy_ssl_name (default: the proxy_pass host) matches a name in the certificate; raise proxy_ssl_verify_depth for longer chains'],
    directives: ['proxy_ssl_verify', 'proxy_ssl_trusted_certificate', 'proxy_ssl_name', 'proxy_ssl_verify_depth'],
    settings: ['proxy_ssl_trusted_certificate', 'proxy_ssl_name'],
  },
  'upstream-send-failed': {
    status: 502,
    title: 'backend closed while nginx was sending the request',
    explanation: 'Writing the request (usually a large body) to the backend failed with a broken pipe or reset: the backend closed the connection early, typically because of its own body-size limit or a crash.',
    checks: ['Check the backend\'s request size limits and its logs', 'Check whether large uploads fail while small requests work'],
    directives: ['client_max_body_size', 'proxy_request_buffering', 'proxy_send_timeout'],
  },
  'upstream-prematurely-closed': {
    status: 502,
    title: 'backend closed the connection without an answer',
    explanation: 'The backend accepted the request and closed the connection before sending a complete response header: it crashed, a worker was killed (php-fpm request_terminate_timeout, OOM killer), or a keepalive connection was closed by the backend at the same moment.',
    checks: ['Look at the backend\'s logs at that time for crashes, timeouts or restarts', 'Check the backend\'s own timeouts (php-fpm request_terminate_timeout, gunicorn --timeout)', 'With upstream keepalive, make the backend\'s idle timeout longer than nginx\'s keepalive_timeout'],
    directives: ['proxy_read_timeout', 'keepalive_timeout', 'proxy_next_upstream'],
  },
  'upstream-reset': {
    status: 502,
    title: 'backend reset the connection',
    explanation: 'The backend (or something between nginx and it) reset the connection while nginx waited for the response header: the process was killed, or a load balancer or firewall dropped the connection.',
    checks: ['Check the backend\'s logs and restarts at that time', 'Check idle timeouts of load balancers and firewalls between nginx and the backend'],
    directives: ['proxy_read_timeout', 'proxy_next_upstream', 'keepalive_timeout'],
  },
  'upstream-header-too-big': {
    status: 502,
    title: 'backend response header too big for the buffer',
    explanation: 'The status line and headers of the backend response did not fit in proxy_buffer_size (one memory page, 4k or 8k, by default). Large Set-Cookie or Location headers are the usual reason.',
    checks: ['Measure the response headers (curl -sD - -o /dev/null to the backend directly)', 'Raise proxy_buffer_size above the size of those headers (double its current value until they fit); keep proxy_busy_buffers_size consistent with proxy_buffers', 'Or make the application send smaller headers'],
    directives: ['proxy_buffer_size', 'proxy_buffers', 'proxy_busy_buffers_size'],
    settings: ['proxy_buffer_size', 'proxy_buffers'], limit: 'proxy_buffer_size',
  },
  'upstream-invalid-header': {
    status: 502,
    title: 'backend sent an invalid response header',
    explanation: 'nginx could not parse a response header line or status from the backend (control characters, a malformed status, a bad header name).',
    checks: ['Fetch the URL from the backend directly and inspect the raw headers (curl -v, or nc)', 'Fix the application or framework that writes the header'],
    directives: ['proxy_pass', 'proxy_next_upstream'],
  },
  'upstream-framing-conflict': {
    status: 502,
    title: 'backend sent conflicting message framing',
    explanation: 'The backend sent both Content-Length and Transfer-Encoding, duplicate or invalid Content-Length values, or an unknown Transfer-Encoding. nginx refuses such responses to prevent response smuggling.',
    checks: ['Inspect the raw response headers from the backend', 'Fix the application, or a middle layer that adds a second framing header'],
    directives: ['proxy_pass'],
  },
  'fastcgi-protocol-mismatch': {
    status: 502,
    title: 'fastcgi_pass points at something that does not speak FastCGI',
    explanation: 'The bytes that came back are not FastCGI records. "unsupported FastCGI protocol version: 72" means the backend answered in HTTP (72 is the letter H): fastcgi_pass is aimed at a web server or an HTTP port.',
    checks: ['Point fastcgi_pass at the FastCGI listener (php-fpm\'s "listen"), not an HTTP port', 'If the backend speaks HTTP, use proxy_pass instead'],
    directives: ['fastcgi_pass', 'proxy_pass'],
    probeHelps: true,
  },
  'fastcgi-prematurely-closed': {
    status: 502,
    title: 'FastCGI backend ended its output before the headers',
    explanation: 'The FastCGI application finished (or closed stdout) before sending a complete header block: it crashed, exited, or printed nothing.',
    checks: ['Check the FastCGI pool\'s log (php-fpm) for fatal errors or killed workers at that time', 'Run the script from the command line to see if it prints anything'],
    directives: ['fastcgi_pass', 'fastcgi_read_timeout'],
  },
  'grpc-to-http1-backend': {
    status: 502,
    title: 'grpc_pass points at an HTTP/1 server',
    explanation: 'nginx spoke HTTP/2 and read the backend\'s HTTP/1.x answer as an HTTP/2 frame header: "too large http2 frame: 4740180" is the text "HTT" read as a frame length.',
    checks: ['Point grpc_pass at the gRPC (HTTP/2) port of the backend', 'For a plain HTTP/1 backend use proxy_pass'],
    directives: ['grpc_pass', 'proxy_pass'],
    probeHelps: true,
  },
  'grpc-protocol-error': {
    status: 502,
    title: 'gRPC / HTTP/2 protocol error from the backend',
    explanation: 'The backend broke the HTTP/2 protocol, rejected the stream (RST_STREAM), sent GOAWAY, or answered without a valid :status.',
    checks: ['Check the gRPC server\'s logs for the stream error', 'Test the backend with grpcurl directly', 'Check that TLS settings match (grpc:// vs grpcs://)'],
    directives: ['grpc_pass', 'grpc_read_timeout', 'grpc_buffer_size'],
  },
  // ----- 504 -----
  'upstream-connect-timeout': {
    status: 504,
    title: 'timed out connecting to the backend',
    explanation: 'The TCP connection to the backend was not established within proxy_connect_timeout: SYNs are dropped (firewall, wrong IP, host down) or the backend\'s accept queue is overflowing.',
    checks: ['nc -vz -w 3 ADDR PORT from the nginx host', 'Check firewalls that drop rather than reject', 'Check the backend\'s listen backlog and load'],
    directives: ['proxy_connect_timeout', 'proxy_next_upstream', 'proxy_next_upstream_timeout'],
    settings: ['proxy_connect_timeout'], limit: 'proxy_connect_timeout',
  },
  'upstream-tls-timeout': {
    status: 504,
    title: 'timed out in the TLS handshake with the backend',
    explanation: 'The TLS handshake with the backend did not finish within proxy_connect_timeout: the port accepts TCP but does not answer TLS (a plain service, or an overloaded TLS terminator).',
    checks: ['Check the backend port actually speaks TLS (openssl s_client)', 'Check the backend\'s load'],
    directives: ['proxy_connect_timeout', 'proxy_pass', 'proxy_ssl_server_name'],
    settings: ['proxy_connect_timeout'],
  },
  'upstream-send-timeout': {
    status: 504,
    title: 'timed out sending the request to the backend',
    explanation: 'The backend stopped reading the request (usually a large upload) for longer than proxy_send_timeout.',
    checks: ['Check the backend is reading request bodies and is not stuck', 'For slow uploads raise proxy_send_timeout, or buffer the body first (proxy_request_buffering on)'],
    directives: ['proxy_send_timeout', 'proxy_request_buffering', 'client_max_body_size'],
    settings: ['proxy_send_timeout'], limit: 'proxy_send_timeout',
  },
  'upstream-read-timeout': {
    status: 504,
    title: 'backend too slow to answer',
    explanation: 'The backend did not send the response header within proxy_read_timeout (60s by default): a slow query, a blocked worker, or a long job done inside the request.',
    checks: ['Find the slow request in the backend\'s logs or APM', 'Raise proxy_read_timeout for this location only if the backend is legitimately slow', 'Move long work to a background job'],
    directives: ['proxy_read_timeout', 'proxy_next_upstream'],
    settings: ['proxy_read_timeout'], limit: 'proxy_read_timeout',
  },
  // ----- other outcomes -----
  'upstream-not-http': {
    status: 9,
    title: 'backend answered something that is not HTTP',
    explanation: 'The reply did not start with an HTTP status line, so nginx passed it through as HTTP/0.9 with no headers (the access log shows status 009). The backend speaks another protocol, or http:// points at a TLS port.',
    checks: ['Check which service listens on that port', 'Use https:// if the port speaks TLS; use fastcgi_pass / grpc_pass / uwsgi_pass for those protocols'],
    directives: ['proxy_pass'],
    probeHelps: true,
  },
  'upstream-body-truncated': {
    status: null,
    title: 'response cut short while reading the body from the backend',
    explanation: 'The failure happened after the response header had already been sent to the client ("while reading upstream"), so there was no 502: the client got a truncated body and the access log shows the backend\'s status (often 200).',
    checks: ['Check the backend\'s logs for crashes or timeouts while streaming', 'For slow streams raise proxy_read_timeout (it applies between two reads)', 'Check Content-Length and chunked encoding written by the application'],
    directives: ['proxy_read_timeout', 'proxy_buffering', 'proxy_max_temp_file_size'],
    settings: ['proxy_read_timeout'],
  },
  'upgraded-connection-timeout': {
    status: null,
    title: 'idle WebSocket (upgraded) connection timed out',
    explanation: 'A connection upgraded with 101 (WebSocket and similar) carried no data for proxy_read_timeout, so nginx closed the tunnel. The access log keeps 101; nothing failed during the handshake.',
    checks: ['Send pings from the application more often than proxy_read_timeout', 'Or raise proxy_read_timeout / proxy_send_timeout in the WebSocket location'],
    directives: ['proxy_read_timeout', 'proxy_send_timeout'],
    settings: ['proxy_read_timeout'], limit: 'proxy_read_timeout',
  },
  'upstream-server-disabled': {
    status: null,
    title: 'a backend server was marked unavailable',
    explanation: 'After max_fails failures within fail_timeout nginx stops sending requests to this server for fail_timeout. This is a warning that follows connection or timeout errors; when all servers are disabled, requests get "no live upstreams".',
    checks: ['Look at the failures just before this line', 'Tune max_fails / fail_timeout on the server line'],
    directives: ['max_fails', 'fail_timeout', 'proxy_next_upstream'],
  },
  'fastcgi-stderr': {
    status: null,
    title: 'the FastCGI application wrote to stderr',
    explanation: 'The application (usually PHP) printed a message on stderr; nginx logs it at error level. It is not an nginx failure by itself: the status is whatever the application returned.',
    checks: ['Read the message: PHP fatal errors mean a 500 from the application', 'Fix the application, or log to a file instead of stderr (PHP error_log)'],
    directives: ['fastcgi_intercept_errors', 'fastcgi_catch_stderr'],
  },
  'fastcgi-primary-script-unknown': {
    status: 404,
    title: 'PHP-FPM could not find the script',
    explanation: 'PHP-FPM did not find the file named by SCRIPT_FILENAME and answered 404 "File not found.". The usual reasons: the root seen by nginx differs from PHP-FPM\'s (containers, chroot), or SCRIPT_FILENAME is built wrong.',
    checks: ['Check fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name; (or include fastcgi.conf)', 'Check that root points at the same path inside the PHP-FPM container or chroot', 'Check PHP-FPM can read the file (permissions, open_basedir)'],
    directives: ['root', 'fastcgi_param', 'fastcgi_split_path_info', 'try_files'],
  },
  'worker-connections-exhausted': {
    status: 500,
    title: 'worker_connections exhausted',
    explanation: 'A worker process reached worker_connections. Each proxied request uses two connections (client and backend), so the limit is reached at half the expected load.',
    checks: ['Raise worker_connections in the events block (and the open-file limit with worker_rlimit_nofile)', 'Check for slow backends holding connections'],
    directives: ['worker_connections', 'worker_rlimit_nofile', 'worker_processes'],
  },
  'too-many-open-files': {
    status: 500,
    title: 'out of file descriptors',
    explanation: 'The worker process hit its open-file limit (EMFILE), so it could not open a socket or a file.',
    checks: ['Raise worker_rlimit_nofile and the service\'s LimitNOFILE', 'Keep worker_connections below the file limit'],
    directives: ['worker_rlimit_nofile', 'worker_connections'],
  },
  'client-closed-request': {
    status: 499,
    title: 'client closed the connection before the response',
    explanation: 'The client gave up (closed the connection) while nginx was still waiting for the backend. Often a client or load-balancer timeout shorter than the backend\'s response time.',
    checks: ['Compare the client\'s timeout (or the load balancer\'s) with the backend\'s response time', 'proxy_ignore_client_abort on keeps the backend request running'],
    directives: ['proxy_ignore_client_abort', 'proxy_read_timeout'],
  },
  // ----- request limits (not upstream failures, but what the client got instead of the backend) -----
  'limit-req-rejected': {
    status: 503,
    title: 'request rejected by limit_req',
    explanation: 'The client sent requests faster than the zone\'s rate plus its burst allows, so nginx answered with limit_req_status (503 by default) without asking the backend. "excess" is how many requests over the rate were already queued.',
    checks: ['Compare the zone\'s rate= with the real request rate of one client (one key: by default $binary_remote_addr)', 'Raise burst= (with nodelay) to absorb short bursts, or the rate for legitimate clients', 'Behind a load balancer or CDN every client has its address: set real_ip_header / set_real_ip_from, or key the zone on another variable', 'Answer 429 instead of 503 with limit_req_status 429'],
    directives: ['limit_req', 'limit_req_zone', 'limit_req_status', 'limit_req_log_level'],
  },
  'limit-req-delayed': {
    status: null,
    title: 'request delayed by limit_req',
    explanation: 'The request was over the zone\'s rate but within burst=, so nginx held it back until the rate allowed it: the client waited, nothing failed. nodelay (or delay=) serves the burst at once.',
    checks: ['If the waiting hurts, add nodelay (or delay=N) to the limit_req line', 'Check the rate matches what one client legitimately sends'],
    directives: ['limit_req', 'limit_req_zone'],
  },
  'limit-conn-rejected': {
    status: 503,
    title: 'connection limit reached (limit_conn)',
    explanation: 'The key (by default one client address) already had as many connections open as limit_conn allows, so nginx answered with limit_conn_status (503 by default).',
    checks: ['Compare the limit with how many parallel connections a client opens (browsers: about 6 per host, more with HTTP/2 streams)', 'Behind a proxy every client shares its address: set real_ip_header / set_real_ip_from', 'Answer 429 instead of 503 with limit_conn_status 429'],
    directives: ['limit_conn', 'limit_conn_zone', 'limit_conn_status'],
  },
  'unknown': {
    status: null,
    title: 'unclassified log line',
    explanation: 'nginx-doctor has no explanation for this message.',
    checks: [],
    directives: [],
  },
} as const satisfies Record<string, CauseRecord>;

/** A cause id: a typo does not compile. */
export type CauseId = keyof typeof RECORDS;

export interface Cause extends CauseRecord {
  readonly id: CauseId;
}

/** Every cause id, in catalogue order. */
export const CAUSE_IDS = Object.keys(RECORDS) as CauseId[];

export const CAUSES: readonly Cause[] = CAUSE_IDS.map((id): Cause => ({ id, ...RECORDS[id] }));

const BY_ID = new Map<string, Cause>(CAUSES.map((c) => [c.id, c]));

export function causeById(id: CauseId): Cause {
  return BY_ID.get(id)!;
}

export interface Classification {
  cause: Cause;
  /** The status for this line (the cause's, or null when the body phase already began). */
  status: number | null;
  /** True when the headers had already been sent (" while reading upstream" and the like). */
  bodyPhase: boolean;
}

const BODY_ACTIONS = new Set(['reading upstream', 'sending to client']);

/** Classifies one error-log entry. */
export function classify(e: Pick<ErrorLogEntry, 'message' | 'errno' | 'action' | 'context' | 'level'>): Classification {
  const id = classifyId(e);
  const cause = causeById(id);
  const bodyPhase = e.action !== undefined && BODY_ACTIONS.has(e.action);
  let status = cause.status;
  // a proxy_bind address the host does not have fails before connecting: nginx answers 500
  if (id === 'upstream-address-exhausted' && /^bind\(/.test(e.message)) status = 500;
  if (bodyPhase && status !== 499) status = null;
  return { cause, status, bodyPhase };
}

function classifyId(e: Pick<ErrorLogEntry, 'message' | 'errno' | 'action' | 'context' | 'level'>): CauseId {
  const m = e.message;
  const code = e.errno?.code;
  const action = e.action ?? '';
  const toUpstream = /upstream/.test(action) || e.context.upstream !== undefined;
  const body = BODY_ACTIONS.has(action);
  const unixPeer = /connect\(\) to unix:/.test(m) || /^[a-z]+:\/\/unix:/.test(e.context.upstream ?? '');

  if (/^(connect\(\)( to \S+)? failed|kevent\(\) reported that connect\(\) failed)/.test(m)) {
    switch (code) {
      case 111: return 'upstream-refused';
      case 2: return 'upstream-socket-missing';
      case 13: return 'upstream-permission-denied';
      case 101: case 113: case 112: case 100: case 64: case 65: case 51: return 'upstream-unreachable';
      case 99: case 49: return 'upstream-address-exhausted';
      case 11: case 35: return unixPeer ? 'upstream-backlog-full' : 'upstream-address-exhausted';
      case 110: case 60: return 'upstream-kernel-connect-timeout';
      case 104: case 54: return 'upstream-reset';
      case 24: return 'too-many-open-files';
    }
    return 'unknown';
  }
  if (/^bind\(.*\) failed$/.test(m) && (code === 99 || code === 49) && action === 'connecting to upstream') return 'upstream-address-exhausted';
  if (/^(socket|accept4?|open|eventfd|socketpair)\(\).* failed$/.test(m) && code === 24) return 'too-many-open-files';
  if (code === 24 || code === 23) return 'too-many-open-files';
  if (/worker_connections are not enough/.test(m)) return 'worker-connections-exhausted';
  if (/^limiting requests, excess: [\d.]+ by zone "/.test(m)) return 'limit-req-rejected';
  if (/^delaying request, excess: [\d.]+, by zone "/.test(m)) return 'limit-req-delayed';
  if (/^limiting connections by zone "/.test(m)) return 'limit-conn-rejected';
  if (/^no live upstreams/.test(m)) return 'no-live-upstreams';
  if (/^upstream server temporarily disabled/.test(m)) return 'upstream-server-disabled';
  if (/ could not be resolved \(/.test(m) || / could not be resolved$/.test(m)) return 'upstream-unresolved';
  if (/^no resolver defined to resolve /.test(m)) return 'no-resolver';
  if (/^upstream timed out/.test(m)) {
    if (action === 'connecting to upstream') return 'upstream-connect-timeout';
    if (action === 'SSL handshaking to upstream') return 'upstream-tls-timeout';
    if (action === 'sending request to upstream') return 'upstream-send-timeout';
    if (action === 'proxying upgraded connection') return 'upgraded-connection-timeout';
    if (body) return 'upstream-body-truncated';
    return 'upstream-read-timeout';
  }
  if (/^SSL_do_handshake\(\) failed/.test(m) && (action === 'SSL handshaking to upstream' || toUpstream)) {
    if (/wrong version number|packet length too long|unknown protocol|record layer failure|http request/i.test(m)) return 'upstream-tls-to-plain-http';
    return 'upstream-tls-handshake-failed';
  }
  if (/^peer closed connection in SSL handshake/.test(m) && action === 'SSL handshaking to upstream') return 'upstream-tls-handshake-failed';
  if (/^upstream SSL certificate (verify error|does not match)/.test(m)) return 'upstream-tls-verify-failed';
  if (/^upstream prematurely sent response/.test(m)) return 'upstream-tls-handshake-failed';
  if (/^(writev|send|sendfile|sendmsg|SSL_write|SSL_sendfile)\(\) failed/.test(m) && action === 'sending request to upstream') return 'upstream-send-failed';
  if (/^upstream prematurely closed FastCGI (stdout|request)/.test(m)) return body ? 'upstream-body-truncated' : 'fastcgi-prematurely-closed';
  if (/^upstream prematurely closed connection/.test(m)) {
    if (body) return 'upstream-body-truncated';
    if (action === 'proxying upgraded connection') return 'unknown';
    return 'upstream-prematurely-closed';
  }
  if (/^(recv|readv|read|SSL_read)\(\) failed/.test(m) && toUpstream) {
    if (body) return 'upstream-body-truncated';
    if (/upstream/.test(action)) return 'upstream-reset';
  }
  if (/^upstream sent too big header/.test(m)) return 'upstream-header-too-big';
  if (/^upstream sent no valid HTTP\/1\.0 header/.test(m)) return 'upstream-not-http';
  if (/^upstream sent "Content-Length" and "Transfer-Encoding"/.test(m) || /^upstream sent invalid "Content-Length" header/.test(m) || /^upstream sent unknown "Transfer-Encoding"/.test(m)) return 'upstream-framing-conflict';
  if (/^upstream sent duplicate header line: "(Content-Length|Transfer-Encoding):/i.test(m) && !/, ignored$/.test(m)) return 'upstream-framing-conflict';
  if (/^upstream sent invalid chunked response/.test(m)) return body ? 'upstream-body-truncated' : 'upstream-invalid-header';
  if (/^upstream sent (unsupported FastCGI protocol version|invalid FastCGI record type|unexpected FastCGI (request id|record))/.test(m) || /^invalid header after joining FastCGI records/.test(m)) return 'fastcgi-protocol-mismatch';
  if (/^FastCGI sent in stderr: "Primary script unknown/.test(m)) return 'fastcgi-primary-script-unknown';
  if (/^FastCGI sent in stderr:/.test(m)) return 'fastcgi-stderr';
  if (/^upstream sent too large http2 frame: 4740180\b/.test(m)) return 'grpc-to-http1-backend';
  if (/^upstream (sent .*http2|sent .*frame|sent goaway|rejected request with error|sent (no|invalid|duplicate|unexpected) :status|prematurely closed stream|sent invalid encoded header|sent truncated http2|sent response body larger)/.test(m)) return 'grpc-protocol-error';
  if (/^upstream sent (invalid header|invalid status|HTTP\/1\.0 response with early hints|invalid header ")/.test(m) || /^memcached sent invalid/.test(m)) return 'upstream-invalid-header';
  if (/client prematurely closed connection/.test(m) && (toUpstream || /upstream/.test(m))) return 'client-closed-request';
  return 'unknown';
}

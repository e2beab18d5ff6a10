// Small loopback backends and clients for tests that run a real nginx in front of them
// (test/differential/harm-*.test.ts). Node built-ins only; everything listens on 127.0.0.1 on a
// port picked at random in 20000-49999, every wait is bounded, and every close() is too.
//
// * startBackend(): one HTTP server that counts the TCP connections it accepts, answers each
//   request with a JSON echo of what it received (method, path, HTTP version, headers), answers
//   plain requests to /ws... with 426, and completes a real WebSocket handshake (101 with
//   Sec-WebSocket-Accept from node:crypto) on upgrade requests, then echoes text frames.
// * startDnsServer(): a UDP DNS server answering A queries for a few names.
// * freePort(): a currently free port for nginx's own listen sockets.
// * httpRequest(), wsConnect(), wsSendText(), wsNextText(), waitForClose(): clients.
import * as http from 'node:http';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';

export const PORT_MIN = 20000;
export const PORT_MAX = 49999;
const handedOut = new Set<number>();

function randomPort(): number {
  for (;;) {
    const p = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN + 1));
    if (!handedOut.has(p)) return p;
  }
}

/** Rejects after ms with `what` in the message, unless p settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function tryListen(server: net.Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve(false);
      else reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/** Listens on 127.0.0.1 on a random free port in 20000-49999 and returns it. */
export async function listenInRange(server: net.Server): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = randomPort();
    if (await tryListen(server, port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found in 20000-49999 after 50 tries');
}

/** A port in 20000-49999 that is free right now (for nginx's listen sockets). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  const port = await listenInRange(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------
// HTTP + WebSocket backend

export interface SeenRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: http.IncomingHttpHeaders;
}

export interface Backend {
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Requests seen so far (plain and upgrade). */
  readonly requests: SeenRequest[];
  /** WebSocket handshakes completed with 101. */
  readonly upgrades: number;
  close(): Promise<void>;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2). */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** An unmasked (server) or masked (client) WebSocket text frame; payloads up to 65535 bytes. */
export function encodeTextFrame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, len]) : Buffer.from([0x81, 126, len >> 8, len & 0xff]);
  if (!masked) return Buffer.concat([head, payload]);
  head[1] |= 0x80;
  const mask = randomBytes(4);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

/** Parses one frame from the start of buf: null when incomplete. */
export function decodeFrame(buf: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (buf.length < 2) return null;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let off = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    off = 4;
  } else if (len === 127) {
    throw new Error('64-bit WebSocket frame lengths are not supported by this test helper');
  }
  const maskKey = masked ? buf.subarray(off, off + 4) : null;
  if (masked) off += 4;
  if (buf.length < off + len) return null;
  const payload = Buffer.from(buf.subarray(off, off + len));
  if (maskKey) for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ maskKey[i % 4]!;
  return { opcode, payload, size: off + len };
}

export async function startBackend(name = 'backend'): Promise<Backend> {
  let connections = 0;
  let upgrades = 0;
  const requests: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const record = (req: http.IncomingMessage): void => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers: req.headers });
  };
  const server = http.createServer((req, res) => {
    record(req);
    req.resume();
    if ((req.url ?? '').startsWith('/ws')) {
      // What a WebSocket server says to a plain request on its endpoint.
      res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
      res.end('426 Upgrade Required\n');
      return;
    }
    const body = JSON.stringify({ backend: name, method: req.method, url: req.url, httpVersion: req.httpVersion, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('connection', (s: net.Socket) => {
    connections++;
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    record(req);
    const key = req.headers['sec-websocket-key'];
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    upgrades++;
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${websocketAccept(key)}\r\n\r\n`,
    );
    // Echo text frames; answer close with close.
    let buf = Buffer.from(head);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      for (let f = decodeFrame(buf); f; f = decodeFrame(buf)) {
        buf = buf.subarray(f.size);
        if (f.opcode === 0x1) socket.write(encodeTextFrame(`echo: ${f.payload.toString('utf8')}`, false));
        else if (f.opcode === 0x8) socket.end(Buffer.from([0x88, 0]));
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
    if (buf.length) onData(Buffer.alloc(0));
  });
  const port = await listenInRange(server);
  return {
    port,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    get upgrades() {
      return upgrades;
    },
    close: () => closeServer(server, sockets),
  };
}

async function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const s of sockets) s.destroy();
  await withTimeout(closed, 3_000, 'closing a test backend').catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// DNS server (UDP, A records only)

export interface DnsServer {
  port: number;
  /** "name TYPE" of every question received, e.g. "app.harm.test A". */
  readonly queries: string[];
  close(): Promise<void>;
}

const QTYPES: Record<number, string> = { 1: 'A', 28: 'AAAA', 5: 'CNAME', 33: 'SRV' };

/**
 * Answers A queries for the names in `records` (case-insensitive) with their IPv4 address;
 * other types of those names get an empty NOERROR answer, unknown names NXDOMAIN.
 */
export async function startDnsServer(records: Record<string, string>): Promise<DnsServer> {
  const table = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]));
  const queries: string[] = [];
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const reply = answer(msg, table, queries);
    if (reply) sock.send(reply, rinfo.port, rinfo.address);
  });
  sock.on('error', () => undefined);
  let port = 0;
  for (let i = 0; i < 50 && !port; i++) {
    const candidate = randomPort();
    const ok = await new Promise<boolean>((resolve) => {
      const onError = (): void => resolve(false);
      sock.once('error', onError);
      sock.bind(candidate, '127.0.0.1', () => {
        sock.off('error', onError);
        resolve(true);
      });
    });
    if (ok) port = candidate;
  }
  if (!port) {
    sock.close();
    throw new Error('no free UDP port found in 20000-49999');
  }
  handedOut.add(port);
  return {
    port,
    get queries() {
      return queries;
    },
    close: () => withTimeout(new Promise<void>((resolve) => sock.close(() => resolve())), 3_000, 'closing the DNS server').catch(() => undefined),
  };
}

function answer(msg: Buffer, table: Map<string, string>, queries: string[]): Buffer | null {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return null;
  // Question: labels, then QTYPE and QCLASS.
  const labels: string[] = [];
  let off = 12;
  while (off < msg.length && msg[off] !== 0) {
    const len = msg[off]!;
    if (len > 63 || off + 1 + len > msg.length) return null;
    labels.push(msg.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  off += 1;
  if (off + 4 > msg.length) return null;
  const qtype = msg.readUInt16BE(off);
  const qEnd = off + 4;
  const name = labels.join('.').toLowerCase();
  queries.push(`${name} ${QTYPES[qtype] ?? qtype}`);
  const ip = table.get(name);
  const answers: Buffer[] = [];
  if (ip && qtype === 1) {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(30, 6); // TTL
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((b, i) => rr.writeUInt8(Number(b), 12 + i));
    answers.push(rr);
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.readUInt16BE(0), 0); // id
  const rd = msg.readUInt16BE(2) & 0x0100;
  header.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080 | (ip ? 0 : 3), 2); // QR AA RD RA, NOERROR/NXDOMAIN
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, msg.subarray(12, qEnd), ...answers]);
}

// ---------------------------------------------------------------------------------------------
// Clients

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (no agent), bounded by timeoutMs. */
export function httpRequest(port: number, path: string, headers: Record<string, string> = {}, timeoutMs = 5_000): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} on port ${port} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface WsHandshake {
  /** e.g. "HTTP/1.1 101 Switching Protocols" */
  statusLine: string;
  status: number;
  headers: Record<string, string>;
  /** The Sec-WebSocket-Accept the client expects for its key. */
  expectedAccept: string;
  socket: net.Socket;
  /** Bytes after the response head (frames, or a plain response body). */
  rest: Buffer;
}

/**
 * Sends a WebSocket handshake over a raw socket and reads the response head. The socket stays
 * open (the caller destroys it). Bounded by timeoutMs.
 */
export function wsConnect(port: number, path: string, host = 'localhost', timeoutMs = 5_000): Promise<WsHandshake> {
  const key = randomBytes(16).toString('base64');
  const socket = net.connect({ host: '127.0.0.1', port });
  const done = new Promise<WsHandshake>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const statusLine = lines[0] ?? '';
      resolve({ statusLine, status: Number(statusLine.split(' ')[1]), headers, expectedAccept: websocketAccept(key), socket, rest: buf.subarray(end + 4) });
    };
    const onClose = (): void => reject(new Error(`connection closed before a response head (got ${JSON.stringify(buf.toString('latin1'))})`));
    socket.on('data', onData);
    socket.once('close', onClose);
    // kept after the handshake: a later reset must not become an unhandled 'error'
    socket.on('error', reject);
  });
  return withTimeout(done, timeoutMs, `WebSocket handshake on port ${port}`).catch((e: unknown) => {
    socket.destroy();
    throw e;
  });
}

export function wsSendText(ws: WsHandshake, text: string): void {
  ws.socket.write(encodeTextFrame(text, true));
}

/** The next text frame from the server (bounded). */
export function wsNextText(ws: WsHandshake, timeoutMs = 3_000): Promise<string> {
  const got = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      ws.rest = Buffer.concat([ws.rest, d]);
      check();
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('WebSocket closed before a text frame arrived'));
    };
    const cleanup = (): void => {
      ws.socket.off('data', onData);
      ws.socket.off('close', onClose);
    };
    const check = (): void => {
      const f = decodeFrame(ws.rest);
      if (!f) return;
      ws.rest = ws.rest.subarray(f.size);
      cleanup();
      if (f.opcode === 0x1) resolve(f.payload.toString('utf8'));
      else reject(new Error(`expected a text frame, got opcode ${f.opcode}`));
    };
    ws.socket.on('data', onData);
    ws.socket.once('close', onClose);
    ws.socket.resume(); // also after an explicit pause(), which a 'data' listener does not undo
    check();
  });
  return withTimeout(got, timeoutMs, 'waiting for a WebSocket text frame');
}

/**
 * Resolves with how long the socket took to close, or null when it is still open after ms. For
 * idle connections: it puts the socket in flowing mode, and data arriving meanwhile without a
 * listener of its own is discarded.
 */
export function waitForClose(socket: net.Socket, ms: number): Promise<number | null> {
  const start = Date.now();
  if (socket.destroyed) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off('close', onClose);
      resolve(null);
    }, ms);
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    };
    socket.once('close', onClose);
    socket.resume();
  });
}

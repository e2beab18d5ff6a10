// Small misbehaving backends on loopback, for making a real nginx write real upstream errors:
// raw TCP servers with a scripted reaction, a minimal FastCGI responder, a TLS server, an
// NXDOMAIN-only DNS server, and (with python3) sockets whose accept queue is full.
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as dgram from 'node:dgram';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface Backend {
  port: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1:port that calls `onData` with the first bytes of every connection. */
export function tcpBackend(port: number, onData: (sock: net.Socket, data: Buffer) => void, opts: { onConnect?: (sock: net.Socket) => void } = {}): Promise<Backend> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let first = true;
    opts.onConnect?.(sock);
    sock.on('data', (d: Buffer) => {
      if (!first) return;
      first = false;
      onData(sock, d);
    });
  });
  return listen(server, port, sockets);
}

/** A TLS server (the given key/cert) whose handshake options can be narrowed. */
export function tlsBackend(port: number, options: tls.TlsOptions, respond: (sock: tls.TLSSocket) => void): Promise<Backend> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(options, (sock) => {
    respond(sock);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  return listen(server, port, sockets);
}

function listen(server: net.Server, port: number, sockets: Set<net.Socket>): Promise<Backend> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      }),
    );
  });
}

// ----- FastCGI ----------------------------------------------------------------------------------

const FCGI = { STDIN: 5, STDOUT: 6, STDERR: 7, END_REQUEST: 3 };

export function fcgiRecord(type: number, id: number, content: Buffer | string): Buffer {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const pad = (8 - (body.length % 8)) % 8;
  const h = Buffer.alloc(8);
  h[0] = 1;
  h[1] = type;
  h.writeUInt16BE(id, 2);
  h.writeUInt16BE(body.length, 4);
  h[6] = pad;
  return Buffer.concat([h, body, Buffer.alloc(pad)]);
}

export interface FcgiScript {
  stderr?: string;
  /** Raw stdout (headers + body); undefined sends nothing on stdout. */
  stdout?: string;
  /** Close without FCGI_END_REQUEST right after stdout. */
  abrupt?: boolean;
}

/** A FastCGI responder: waits for the end of FCGI_STDIN, then answers with the script chosen by REQUEST_URI. */
export function fastcgiBackend(port: number, script: (uri: string) => FcgiScript): Promise<Backend> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let params = Buffer.alloc(0);
    let id = 1;
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const type = buf[1]!;
        id = buf.readUInt16BE(2);
        const len = buf.readUInt16BE(4);
        const pad = buf[6]!;
        if (buf.length < 8 + len + pad) break;
        const content = buf.subarray(8, 8 + len);
        buf = buf.subarray(8 + len + pad);
        if (type === 4) params = Buffer.concat([params, content]);
        if (type === FCGI.STDIN && len === 0) {
          const s = script(readParam(params, 'REQUEST_URI') ?? '');
          const out: Buffer[] = [];
          if (s.stderr !== undefined) out.push(fcgiRecord(FCGI.STDERR, id, s.stderr));
          if (s.stdout !== undefined) out.push(fcgiRecord(FCGI.STDOUT, id, s.stdout), fcgiRecord(FCGI.STDOUT, id, ''));
          if (!s.abrupt) {
            const end = Buffer.alloc(8);
            out.push(fcgiRecord(FCGI.END_REQUEST, id, end));
          }
          sock.end(Buffer.concat(out));
          return;
        }
      }
    });
  });
  return listen(server, port, sockets);
}

function readParam(buf: Buffer, name: string): string | undefined {
  let i = 0;
  const len = (): number => {
    const b = buf[i]!;
    if (b < 128) {
      i += 1;
      return b;
    }
    const v = buf.readUInt32BE(i) & 0x7fffffff;
    i += 4;
    return v;
  };
  while (i < buf.length) {
    const nl = len();
    const vl = len();
    const n = buf.subarray(i, i + nl).toString();
    const v = buf.subarray(i + nl, i + nl + vl).toString();
    i += nl + vl;
    if (n === name) return v;
  }
  return undefined;
}

// ----- DNS --------------------------------------------------------------------------------------

/** A UDP DNS server on 127.0.0.1:port that answers every query with NXDOMAIN. */
export function nxdomainDns(port: number): Promise<Backend> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    const res = Buffer.from(msg);
    res[2] = 0x81; // QR, RD
    res[3] = 0x83; // RA, RCODE=3 (NXDOMAIN)
    res.writeUInt16BE(0, 6);
    res.writeUInt16BE(0, 8);
    res.writeUInt16BE(0, 10);
    sock.send(res, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, '127.0.0.1', () => resolve({ port, close: () => new Promise<void>((r) => sock.close(() => r())) }));
  });
}

/**
 * A UDP DNS server on 127.0.0.1:port that answers A queries for the given names (a docker-compose
 * network's embedded DNS, as nginx's `resolver` sees it): other names and types get no answer
 * (NXDOMAIN for unknown names).
 */
export function addressDns(port: number, names: Record<string, string>): Promise<Backend> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 17) return;
    // the question: labels from offset 12, then QTYPE and QCLASS
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) {
      const n = msg[i]!;
      labels.push(msg.subarray(i + 1, i + 1 + n).toString('latin1'));
      i += n + 1;
    }
    const qend = i + 5;
    if (qend > msg.length) return;
    const qtype = msg.readUInt16BE(i + 1);
    const ip = names[labels.join('.').toLowerCase()];
    const head = Buffer.from(msg.subarray(0, qend));
    head[2] = 0x81; // QR, RD
    head[3] = ip === undefined ? 0x83 : 0x80; // RA; NXDOMAIN for unknown names
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(ip !== undefined && qtype === 1 ? 1 : 0, 6);
    head.writeUInt16BE(0, 8);
    head.writeUInt16BE(0, 10);
    let res = head;
    if (ip !== undefined && qtype === 1) {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question
      rr.writeUInt16BE(1, 2); // A
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(30, 6); // TTL
      rr.writeUInt16BE(4, 10);
      ip.split('.').forEach((o, k) => (rr[12 + k] = Number(o)));
      res = Buffer.concat([head, rr]);
    }
    sock.send(res, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, '127.0.0.1', () => resolve({ port, close: () => new Promise<void>((r) => sock.close(() => r())) }));
  });
}

// ----- full accept queues (python3) -------------------------------------------------------------

const PY_FULL_QUEUE = `
import socket, sys, time
tcp = socket.socket(); tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", int(sys.argv[1]))); tcp.listen(0)
ux = socket.socket(socket.AF_UNIX); ux.bind(sys.argv[2]); ux.listen(0)
import os; os.chmod(sys.argv[2], 0o777)
print("ready", flush=True)
time.sleep(float(sys.argv[3]))
`;

export function pythonAvailable(): boolean {
  return spawnSync('python3', ['-c', 'print(1)'], { timeout: 10_000 }).status === 0;
}

/**
 * Listens on a TCP port and a unix socket with a zero backlog and never accepts; `fill()` makes
 * connections until further connects would block (the queue is full).
 */
export async function fullQueues(port: number, unixPath: string, seconds: number): Promise<{ fill: () => Promise<void>; close: () => void }> {
  const child: ChildProcess = spawn('python3', ['-c', PY_FULL_QUEUE, String(port), unixPath, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`python helper exited (${c})`)));
  });
  const held: net.Socket[] = [];
  const fill = async (): Promise<void> => {
    for (let i = 0; i < 4; i++) {
      for (const target of [{ port, host: '127.0.0.1' }, { path: unixPath }]) {
        await new Promise<void>((res) => {
          const s = net.connect(target as net.NetConnectOpts);
          held.push(s);
          const t = setTimeout(res, 150);
          s.on('connect', () => {
            clearTimeout(t);
            res();
          });
          s.on('error', () => {
            clearTimeout(t);
            res();
          });
        });
      }
    }
  };
  return {
    fill,
    close: () => {
      for (const s of held) s.destroy();
      child.kill('SIGKILL');
    },
  };
}

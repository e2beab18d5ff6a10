// A loopback HTTP backend that misbehaves on request, for tests that make a real nginx log real
// upstream failures (test/doctor) or measure a setting (test/cli/settings). What it does is read
// from the request path, wherever the segment stands (nginx may add a prefix):
//   /sleep/MS/...      answers 200 after MS milliseconds
//   /bigheader/N/...   answers 200 with a response header of N bytes
//   /close/...         closes the connection without answering
//   /reset/...         resets the connection (RST) without answering
//   /garbage/...       answers bytes that are not HTTP
//   anything else      200 with a JSON echo: method, url, HTTP version, headers
// It counts connections and keeps every request seen. Listens on 127.0.0.1 on a random port.
import * as http from 'node:http';
import type * as net from 'node:net';
import { listenInRange, withTimeout, type SeenRequest } from './backends';

export interface StubBackend {
  port: number;
  readonly connections: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startStubBackend(name = 'stub'): Promise<StubBackend> {
  let connections = 0;
  const requests: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers: req.headers });
    req.resume();
    const url = req.url ?? '/';
    const echo = (): void => {
      const body = JSON.stringify({ backend: name, method: req.method, url, httpVersion: req.httpVersion, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const sleep = /\/sleep\/(\d+)(\/|$)/.exec(url);
    const big = /\/bigheader\/(\d+)(\/|$)/.exec(url);
    if (sleep) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!res.destroyed) echo();
      }, Number(sleep[1]));
      timers.add(t);
    } else if (big) {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-big': 'x'.repeat(Number(big[1])), 'content-length': 3 });
      res.end('ok\n');
    } else if (/\/close(\/|$)/.test(url)) {
      req.socket.destroy();
    } else if (/\/reset(\/|$)/.test(url)) {
      req.socket.resetAndDestroy();
    } else if (/\/garbage(\/|$)/.test(url)) {
      req.socket.end('this is not HTTP at all\r\n\r\n');
    } else echo();
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: net.Socket) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
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
    close: async () => {
      for (const t of timers) clearTimeout(t);
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await withTimeout(closed, 3_000, 'closing the stub backend').catch(() => undefined);
    },
  };
}

// The HTTP endpoint Prometheus scrapes: GET /metrics in the text exposition format, nothing else
// (/ says where to look, other paths 404, other methods 405). node:http, one listener.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatAddress, type ListenAddress } from './address';

export interface MetricsSource {
  readonly registry: { contentType: string };
  text(): Promise<string>;
}

export interface MetricsServer {
  /** The address bound (the real port when 0 was asked for). */
  address: ListenAddress;
  close(): Promise<void>;
}

export function serveMetrics(at: ListenAddress, source: MetricsSource): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET\n');
    } else if (path === '/metrics') {
      source.text().then((body) => {
        res.writeHead(200, { 'content-type': source.registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      }, (e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e instanceof Error ? e.message : String(e)}\n`);
      });
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('nginx-doctor exporter: metrics at /metrics\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
    }
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the address is in use' : e.code === 'EACCES' ? 'permission denied (ports below 1024 need root)' : e.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : e.message;
      reject(new Error(`cannot serve metrics on ${formatAddress(at)}: ${why}`));
    });
    server.listen(at.port, at.host, () => {
      const a = server.address() as AddressInfo;
      resolve({
        address: { host: at.host, port: a.port },
        close: () => new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
      });
    });
  });
}

// An error log as nginx writes it for a config with /api/ and /slow/ locations.
import type { LogRead } from '../../../server/src/doctor/context';

export const LOG_CONFIG = `events {}
http {
    server {
        listen 80;
        server_name example.com;
        location /api/ {
            proxy_pass http://127.0.0.1:3000;
        }
        location /slow/ {
            proxy_pass http://127.0.0.1:3001;
            proxy_read_timeout 5s;
        }
    }
}
`;

const refused = (t: string): string => `${t} [error] 101#101: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.7, server: example.com, request: "GET /api/orders HTTP/1.1", upstream: "http://127.0.0.1:3000/api/orders", host: "example.com"`;
const slow = (t: string): string => `${t} [error] 101#101: *9 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.7, server: example.com, request: "GET /slow/report HTTP/1.1", upstream: "http://127.0.0.1:3001/slow/report", host: "example.com"`;
const denied = (t: string): string => `${t} [crit] 101#101: *11 connect() to 127.0.0.1:3000 failed (13: Permission denied) while connecting to upstream, client: 10.0.0.7, server: example.com, request: "GET /api/x HTTP/1.1", upstream: "http://127.0.0.1:3000/api/x", host: "example.com"`;

export const LINES = { refused, slow, denied };

export function log(lines: string[], path = '/var/log/nginx/error.log'): LogRead {
  return { path, state: 'ok', text: `${lines.join('\n')}\n` };
}

// Writes a deterministic nginx config tree for measurements: a root nginx.conf including
// FILES site files, each with a few servers of many locations (IP upstreams only, so nginx -t
// needs no DNS). Usage: node scripts/gen-tree.mjs OUT_DIR [FILES=100] [LOCATIONS_PER_SERVER=20]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, filesArg = '100', locsArg = '20'] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/gen-tree.mjs OUT_DIR [FILES] [LOCATIONS_PER_SERVER]');
  process.exit(2);
}
const files = Number(filesArg);
const locs = Number(locsArg);
mkdirSync(join(out, 'sites'), { recursive: true });
mkdirSync(join(out, 'logs'), { recursive: true });
writeFileSync(join(out, 'nginx.conf'), `worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server_names_hash_bucket_size 128;
    server_names_hash_max_size 65536;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
    include sites/*.conf;
}
`);
let directives = 12;
for (let f = 0; f < files; f++) {
  let text = `upstream app_${f} {\n    server 127.0.0.1:${10000 + (f % 5000)} max_fails=3;\n    server 127.0.0.2:${10000 + (f % 5000)} backup;\n    keepalive 16;\n}\n`;
  directives += 4;
  for (let s = 0; s < 2; s++) {
    text += `server {\n    listen ${20000 + f};\n    server_name site${f}-${s}.example.test www.site${f}-${s}.example.test;\n    root /srv/site${f};\n    client_max_body_size 10m;\n`;
    directives += 5;
    for (let l = 0; l < locs; l++) {
      const kind = l % 4;
      const head = kind === 0 ? `location /api${l}/` : kind === 1 ? `location = /exact${l}` : kind === 2 ? `location ~* ^/re${l}/(.+)\\.json$` : `location ^~ /static${l}/`;
      text += `    ${head} {\n        proxy_pass http://app_${f};\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_set_header Host $host;\n        proxy_read_timeout 30s;\n        limit_req zone=perip burst=20;\n    }\n`;
      directives += 7;
    }
    text += `}\n`;
  }
  writeFileSync(join(out, 'sites', `site${String(f).padStart(5, '0')}.conf`), text);
}
console.log(`${out}: ${files + 1} files, ${directives} directives`);

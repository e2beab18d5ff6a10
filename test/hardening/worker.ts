// Child process for the pathological-input tests: runs one scenario through the whole core and
// prints {"ms":..,"maxRssMb":..} on success. The parent runs it with a timeout, so a hang or a
// stack overflow fails a test instead of blocking the run.
import {
  analyze, buildConfigSet, defaultCatalog, documentSymbols, fixAll, foldingRanges, formatDocument, lex, makeSourceFile, Model, parse,
  selectionRanges, walk, type FileHost,
} from '../../server/src/core/index';

const ROOT = '/etc/nginx/nginx.conf';

function host(files: Record<string, string>): FileHost {
  return { readFile: (p) => files[p], listDir: () => undefined, isDirectory: () => false };
}

function everything(text: string): void {
  lex(text);
  const parsed = parse(makeSourceFile(ROOT, text));
  [...walk(parsed.directives)].length;
  documentSymbols(parsed);
  foldingRanges(parsed);
  for (const at of [0, text.length >> 1, text.length]) selectionRanges(parsed, at);
  formatDocument(text, { tabSize: 4, insertSpaces: true });
  const h = host({ [ROOT]: text });
  const set = buildConfigSet(ROOT, { host: h, catalog: defaultCatalog() });
  new Model(set);
  analyze(ROOT, { host: h, catalog: defaultCatalog() });
  fixAll(ROOT, { host: h, catalog: defaultCatalog() });
}

function bigConfig(bytes: number): string {
  const parts: string[] = ['events {}\nhttp {\n  upstream app { server 127.0.0.1:8080; }\n'];
  let n = parts[0]!.length;
  for (let i = 0; n < bytes; i++) {
    const s = `  server {\n    listen ${8000 + (i % 1000)};\n    server_name s${i}.example.com;\n    location / {\n      proxy_pass http://app;\n      proxy_set_header Host $host;\n    }\n    location ~ ^/api/${i}/(.*)$ {\n      proxy_pass http://app/$1;\n    }\n  }\n`;
    parts.push(s);
    n += s.length;
  }
  parts.push('}\n');
  return parts.join('');
}

const scenarios: Record<string, () => void> = {
  'deep-nesting': () => everything('http {\n' + 'location / {\n'.repeat(10_000) + 'proxy_pass http://a;\n' + '}\n'.repeat(10_000) + '}\n'),
  'deep-nesting-unclosed': () => everything('http {\n' + 'location / {\n'.repeat(10_000) + 'proxy_pass http://a'),
  'deep-detached-braces': () => everything('{'.repeat(10_000) + '}'.repeat(10_000)),
  'long-line': () => {
    everything('events {} http { ' + 'add_header X-A "b c"; '.repeat(50_000) + '}');
    everything('events {} http { return 200 "' + 'x'.repeat(1 << 20) + '"; }');
    everything('#'.repeat(1 << 20));
    everything('a'.repeat(1 << 20));
  },
  'big-config': () => {
    const text = bigConfig(Number(process.env.NGINX_DOCTOR_BIG_MB ?? '10') * 1024 * 1024);
    const h = host({ [ROOT]: text });
    analyze(ROOT, { host: h, catalog: defaultCatalog() });
    formatDocument(text, { tabSize: 2, insertSpaces: true });
  },
};

const name = process.argv[2] ?? '';
const run = scenarios[name];
if (!run) {
  process.stderr.write(`unknown scenario ${name}\n`);
  process.exit(2);
}
const started = Date.now();
run();
process.stdout.write(JSON.stringify({ ms: Date.now() - started, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');

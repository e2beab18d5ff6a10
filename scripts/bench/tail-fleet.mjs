// Bench row "tail, 4 hosts": `nginx-doctor tail --from-start --format json` over four real sshd
// "hosts" on 127.0.0.1 (test/helpers/sshd.ts, one ssh_config with an alias each:
// test/helpers/fleet.ts), each following its own 250,000-line error log, in one process: lines/s
// in total and the RSS over the run (sampled from /proc every 200 ms).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Runs the measurement; null with a reason when sshd cannot run here. */
export async function tailFleetBench({ node, cli, repo, root, log, perHost, hosts = 4, seconds = 240 }) {
  const require = createRequire(import.meta.url);
  const sshdJs = join(repo, 'out', 'test', 'helpers', 'sshd.js');
  const fleetJs = join(repo, 'out', 'test', 'helpers', 'fleet.js');
  if (!existsSync(sshdJs) || !existsSync(fleetJs)) return { skipped: 'out/test/helpers is missing (npx tsc -b)' };
  const { startSshd, sshdAvailable } = require(sshdJs);
  const { fleetSshConfig } = require(fleetJs);
  const why = sshdAvailable();
  if (why) return { skipped: why };
  const servers = {};
  try {
    for (let k = 1; k <= hosts; k++) servers[`bench${k}`] = await startSshd();
    const first = Object.values(servers)[0];
    const config = fleetSshConfig(join(first.dir, 'fleet_ssh_config'), servers);
    // each host its own file (a copy of the same log)
    const sources = Object.entries(servers).map(([name, s]) => {
      const path = join(s.dir, 'error.log');
      copyFileSync(log, path);
      return { name, host: name, path };
    });
    return await new Promise((resolve) => {
      const p = spawn(node, [cli, 'tail', '--from-start', '--format', 'json', '--config', root, '--ssh-config', config, '--sources', JSON.stringify(sources)], { stdio: ['ignore', 'pipe', 'pipe'] });
      const total = perHost * hosts;
      let out = 0;
      let lastOut = performance.now();
      const t0 = performance.now();
      const rss = [];
      let stderr = '';
      p.stdout.on('data', (d) => {
        for (let i = 0; i < d.length; i++) if (d[i] === 10) out++;
        lastOut = performance.now();
      });
      p.stderr.on('data', (d) => (stderr = (stderr + d).slice(-5000)));
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearInterval(sampler);
        p.kill('SIGINT');
        resolve({ out, total, ms: lastOut - t0, rss, stderr });
      };
      const sampler = setInterval(() => {
        try {
          const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
          if (m) rss.push({ t: performance.now() - t0, mb: Number(m[1]) / 1024, out });
        } catch { /* exited */ }
        const idle = performance.now() - lastOut;
        if (out >= total || (out > 0 && idle > 5000) || performance.now() - t0 > seconds * 1000) finish();
      }, 200);
      p.on('exit', finish);
    });
  } finally {
    for (const s of Object.values(servers)) await s.stop();
  }
}

// `node scripts/bench/tail-fleet.mjs ROOT LOG PER_HOST`: the row alone (dist/ and out/ built)
if (import.meta.url === `file://${process.argv[1]}`) {
  const repo = new URL('../..', import.meta.url).pathname;
  const [root, log, perHost] = process.argv.slice(2);
  const r = await tailFleetBench({ node: process.execPath, cli: join(repo, 'dist', 'cli.js'), repo, root, log, perHost: Number(perHost) });
  if (r.skipped) console.log(`skipped: ${r.skipped}`);
  else console.log(JSON.stringify({ out: r.out, total: r.total, ms: Math.round(r.ms), linesPerSec: Math.round(r.out / (r.ms / 1000)), rss: r.rss.map((x) => Math.round(x.mb)) }));
}

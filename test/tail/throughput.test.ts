// 1,000,000 lines through the local pipeline (file follower -> parser -> explainer -> JSON on
// stdout, as the editor reads it), with a consumer that also stalls for a while: memory must stay
// flat, whatever the rate. Reports lines per second and peak RSS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';

const LINES = 1_000_000;

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

test(`${LINES.toLocaleString('en')} lines stream through with flat memory, even when the reader stalls`, { timeout: 120_000 }, async () => {
  const demo = readFileSync(join(REPO, 'demo', 'error.log'), 'utf8').trim().split('\n');
  const t = tempTree({});
  const log = t.path('big.log');
  const fd = openSync(log, 'w');
  let chunk = '';
  for (let i = 1; i <= LINES; i++) {
    // one in ten is a real upstream failure (explained and linked), with varying URIs
    chunk += i % 10 === 0
      ? `${demo[9]!.replace('"GET /svc/', `"GET /svc/${i % 500}/`)}\n`
      : `2026/11/22 04:22:29 [notice] 31316#31316: *${i} client ${i % 250} closed keepalive connection\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  const child = spawn(process.execPath, [CLI, 'tail', '--config', join(REPO, 'demo', 'nginx.conf'), '--from-start', '--format', 'json', log], { stdio: ['ignore', 'pipe', 'pipe'] });
  const samples: { lines: number; kb: number }[] = [];
  let lines = 0;
  let failures = 0;
  let stalled = false;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = Date.now();
  let finishedAt = 0;
  const sampler = setInterval(() => samples.push({ lines, kb: rssKb(child.pid!, 'VmRSS') }), 100);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${lines} lines after 100 s\n${stderr}`)), 100_000);
      let tail = '';
      child.stdout!.on('data', (d: Buffer) => {
        const s = tail + d.toString('latin1');
        let i = -1;
        let from = 0;
        while ((i = s.indexOf('\n', from)) >= 0) {
          if (s.startsWith('{"type":"line"', from)) {
            lines++;
            if (s.startsWith('"failure":true', s.indexOf('"failure":', from))) failures++;
          }
          from = i + 1;
        }
        tail = s.slice(from);
        // stall the reader for 1.5 s at 30%: the follower must wait instead of buffering
        if (!stalled && lines > LINES * 0.3) {
          stalled = true;
          child.stdout!.pause();
          setTimeout(() => child.stdout!.resume(), 1_500);
        }
        if (lines >= LINES) {
          finishedAt = Date.now();
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('close', () => reject(new Error(`tail exited early after ${lines} lines\n${stderr}`)));
    });
  } finally {
    clearInterval(sampler);
    const peak = rssKb(child.pid!, 'VmHWM');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    t.remove();
    const secs = (finishedAt - started - 1_500) / 1000;
    const at = (p: number): number => Math.max(...samples.filter((s) => s.lines >= LINES * p && s.lines <= LINES * (p + 0.15)).map((s) => s.kb), 0);
    console.log(`# ${lines} lines (${failures} explained upstream failures) in ${secs.toFixed(1)} s of reading = ${Math.round(lines / secs).toLocaleString('en')} lines/s; RSS ~${Math.round(at(0.2) / 1024)} MB at 20-35%, ~${Math.round(at(0.8) / 1024)} MB at 80-95%, peak ${Math.round(peak / 1024)} MB`);
    assert.equal(failures, LINES / 10);
    assert.ok(peak < 300 * 1024, `peak RSS ${peak} kB`);
    // flat: the last part of the run does not use much more than the early part
    assert.ok(at(0.8) - at(0.2) < 64 * 1024, `RSS grew from ${at(0.2)} kB to ${at(0.8)} kB`);
  }
});

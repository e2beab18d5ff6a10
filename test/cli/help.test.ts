// `--help`/`-h` on every sub-command (flags, defaults, examples that parse), exit codes kept, and
// `nginx-doctor completion bash|zsh|fish` driven through the real shells: bash with COMP_WORDS,
// fish with `complete -C`, zsh through a pseudo-terminal (zpty) and its completion system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';

const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

// The contract: every flag each sub-command has always accepted (plus tail's new rotation and metrics flags).
const FLAGS: Record<string, string[]> = {
  check: ['--format', '--nginx-version', '--prefix', '--conf-dir', '--rule', '--stable-host'],
  fix: ['--dry-run', '--nginx-version', '--prefix', '--conf-dir', '--rule', '--stable-host'],
  match: ['--config', '--addr', '--format', '--conf-dir'],
  settings: ['--config', '--location', '--format', '--nginx-version', '--addr', '--conf-dir'],
  explain: ['--config', '--format', '--all', '--resolve', '--resolve-via', '--conf-dir'],
  tail: ['--config', '--conf-dir', '--ssh', '--sudo', '--remote-config', '--remote-nginx-conf', '--remote-config-dir', '--format', '--failures',
    '--from-start', '--backlog', '--ssh-config', '--sources', '--stop-on-stdin-eof', '--command', '--rotation-quiet', '--rotation-max',
    '--metrics', '--metrics-max-series'],
  // tail for Prometheus (#20): tail's flags without the printed-line ones
  exporter: ['--metrics', '--config', '--conf-dir', '--ssh', '--sudo', '--remote-config', '--remote-nginx-conf', '--remote-config-dir',
    '--from-start', '--backlog', '--ssh-config', '--sources', '--command', '--rotation-quiet', '--rotation-max', '--metrics-max-series'],
  doctor: ['--ssh', '--sources', '--sudo', '--config', '--conf-dir', '--format', '--nginx', '--nginx-conf', '--pid', '--error-log', '--lines', '--timeout', '--ssh-config', '--save-config', '--compare', '--request', '--backends'],
  lsp: ['--stdio'],
  completion: [],
};

/** The flags listed under "Options:" in a help text. */
function listed(help: string): string[] {
  const opts = help.slice(help.indexOf('\nOptions:\n'), help.indexOf('\nExamples:\n'));
  return [...opts.matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
}

/** One option's entry in a help text, its wrapped lines joined. */
function option(help: string, flag: string): string {
  const at = help.indexOf(`\n  ${flag} `);
  assert.ok(at >= 0, `${flag} is listed`);
  const end = help.slice(at + 1).search(/\n {2}-|\n {2}Valued/);
  return help.slice(at + 1, at + 1 + end).replace(/\s+/g, ' ').trim();
}

test('every sub-command answers --help and -h with its flags, defaults and examples (exit 0)', () => {
  const helps = new Map<string, string>();
  // every sub-command the CLI has is in the contract above
  const overview = run('--help').out;
  assert.deepEqual([...overview.matchAll(/^ {2}nginx-doctor ([a-z]+) /gm)].map((m) => m[1]).sort(), Object.keys(FLAGS).sort());
  for (const [cmd, flags] of Object.entries(FLAGS)) {
    for (const h of ['--help', '-h']) {
      const r = run(cmd, h);
      if (h === '-h') assert.equal(r.out, helps.get(cmd), `${cmd}: -h is --help`);
      helps.set(cmd, r.out);
      assert.equal(r.code, 0, `${cmd} ${h}: ${r.err}`);
      assert.equal(r.err, '');
      assert.ok(r.out.startsWith(`nginx-doctor ${cmd}: `), `${cmd} ${h}: ${r.out.slice(0, 80)}`);
      assert.match(r.out, new RegExp(`^Usage: nginx-doctor ${cmd} `, 'm'));
      assert.match(r.out, /\nExit status: [^]+\.\n$/);
      if (h === '-h') continue;
      assert.deepEqual(listed(r.out).filter((f) => f !== '--help').sort(), [...flags].sort(), `${cmd}: the flags listed`);
      // every example is a command line this parser accepts: its flags are the command's own
      const examples = r.out.slice(r.out.indexOf('\nExamples:\n')).split('\n').filter((l) => l.startsWith(`  nginx-doctor ${cmd}`));
      assert.ok(examples.length >= 1, `${cmd}: an example`);
      for (const ex of examples) {
        const words = ex.trim().split(/\s+/);
        const end = words.findIndex((w) => ['|', '>', '&&', '--command'].includes(w));
        for (const w of words.slice(2, end < 0 ? undefined : end)) if (w.startsWith('--')) assert.ok(flags.includes(w.replace(/=.*/, '')), `${cmd}: example flag ${w}`);
      }
    }
  }
  // the defaults users ask about
  const tail = helps.get('tail')!;
  const doctor = helps.get('doctor')!;
  assert.match(option(tail, '--format'), /^--format text\|json .*\(default: text\)$/);
  assert.match(option(tail, '--rotation-quiet'), /\(default: 5s\)$/);
  assert.match(option(tail, '--rotation-max'), /\(default: 60s\)$/);
  assert.match(option(doctor, '--lines'), /^--lines N .*\(default: 1000\)$/);
  assert.match(option(doctor, '--timeout'), /\(default: 60\)$/);
  assert.match(option(helps.get('match')!, '--addr'), /\(default: 127\.0\.0\.1\)$/);
  // "help tail" is "tail --help"
  assert.equal(run('help', 'tail').out, tail);
});

test('--help wins over other arguments, but not as the value of an option or after --command; exit codes unchanged', () => {
  const t = tempTree({ 'a.log': '' });
  try {
    assert.equal(run('tail', '--bogus', '--help').code, 0);
    assert.equal(run('check', 'nginx.conf', '-h').code, 0);
    const asValue = run('tail', '--config', '--help', t.path('a.log'));
    assert.equal(asValue.code, 2);
    assert.match(asValue.err, /cannot read "--help"/);
    // after --command the words belong to the program: "printf --help" runs printf
    const cmd = run('tail', '--command', 'no-such-program-nginx-doctor', '--help');
    assert.equal(cmd.code, 1, cmd.err);
    assert.match(cmd.err, /command not found: no-such-program-nginx-doctor/);
    const cases: [string[], number, RegExp][] = [
      [[], 2, /^nginx-doctor \d/],
      [['--help'], 0, /Run "nginx-doctor COMMAND --help"/],
      [['help'], 0, /nginx-doctor completion bash\|zsh\|fish/],
      [['help', 'nope'], 2, /unknown command "nope"/],
      [['nope'], 2, /unknown command "nope"/],
      [['tail', '--bogus', 'x.log'], 2, /unknown option --bogus/],
      [['check'], 2, /at least one config file/],
      [['check', '--dry-run', 'x.conf'], 2, /unknown option --dry-run/],
      [['fix', '--dry-run=yes', 'x.conf'], 2, /option --dry-run takes no value/],
      [['match', '--config'], 2, /option --config needs a value/],
      [['completion'], 2, /completion needs a shell: bash, zsh or fish/],
      [['completion', 'tcsh'], 2, /not "tcsh"/],
      [['completion', 'bash', 'zsh'], 2, /one shell/],
    ];
    for (const [args, code, text] of cases) {
      const r = run(...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      assert.match(code === 0 || args.length === 0 ? r.out : r.err, text, args.join(' '));
    }
  } finally {
    t.remove();
  }
});

// ----- completion through the real shells ----------------------------------------------------------

/** A directory with `nginx-doctor` on it (the built CLI) and a few files to complete. */
function setup(): { dir: string; bin: string; remove(): void } {
  const t = tempTree({ 'work/nginx.conf': 'events {}\n', 'work/error.log': '', 'work/sites/a.conf': '' });
  const bin = t.path('bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'nginx-doctor'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(bin, 'nginx-doctor'), 0o755);
  return { dir: t.path('work'), bin, remove: () => t.remove() };
}

const shell = (name: string): string | false => (['/usr/bin', '/bin'].map((d) => join(d, name)).find((p) => existsSync(p)) ?? false);

test('bash completion: sub-commands, flags, flag values (also --flag=), files, tail --command programs', { skip: shell('bash') ? false : 'bash is not installed' }, () => {
  const s = setup();
  try {
    // one bash run answers every case: each case's COMPREPLY after a separator line
    const cases: string[][] = [];
    const complete = (...words: string[]): number => cases.push(words) - 1;
    const results = (): string[][] => {
      writeFileSync(join(s.dir, '..', 'nd.bash'), spawnSync(process.execPath, [CLI, 'completion', 'bash'], { encoding: 'utf8' }).stdout);
      const script = `source ../nd.bash\n${cases.map((words) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _nginx_doctor; printf '%s\\n' "\${COMPREPLY[@]}" '<END>'`).join('\n')}`;
      const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: s.dir, encoding: 'utf8', timeout: 20_000, env: { ...process.env, PATH: `${s.bin}:${process.env.PATH}` } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('<END>\n').slice(0, cases.length).map((o) => o.split('\n').filter(Boolean).sort());
    };
    const expected: [number, string[]][] = [
      [complete('nginx-doctor', 'ta'), ['tail']],
      [complete('nginx-doctor', 'c'), ['check', 'completion']],
      [complete('nginx-doctor', 'tail', '--rot'), ['--rotation-max', '--rotation-quiet']],
      [complete('nginx-doctor', 'check', '--format', ''), ['json', 'sarif', 'text']],
      [complete('nginx-doctor', 'explain', '--format', '=', 'j'), ['json']],
      [complete('nginx-doctor', 'check', 'ng'), ['nginx.conf']],
      [complete('nginx-doctor', 'tail', '--conf-dir', 's'), ['sites']],
      [complete('nginx-doctor', 'completion', ''), ['bash', 'fish', 'zsh']],
      [complete('nginx-doctor', 'tail', 'x.log', '--command', 'docker', 'ng'), ['nginx.conf']],
      ...Object.entries(FLAGS).map(([cmd, flags]): [number, string[]] => [complete('nginx-doctor', cmd, '--'), [...flags, '--help'].sort()]),
    ];
    const programs = complete('nginx-doctor', 'tail', '--command', 'nginx-do');
    const got = results();
    for (const [i, want] of expected) assert.deepEqual(got[i], want, cases[i]!.join(' '));
    assert.ok(got[programs]!.includes('nginx-doctor'), 'programs after --command');
  } finally {
    s.remove();
  }
});

test('fish completion: sub-commands with descriptions, flags, values and files', { skip: shell('fish') ? false : 'fish is not installed (apt-get install fish)' }, () => {
  const s = setup();
  try {
    const lines = ['nginx-doctor ', 'nginx-doctor ta', 'nginx-doctor tail --rot', 'nginx-doctor check --format ', 'nginx-doctor check ng', ...Object.keys(FLAGS).map((c) => `nginx-doctor ${c} --`)];
    writeFileSync(join(s.dir, '..', 'nd.fish'), spawnSync(process.execPath, [CLI, 'completion', 'fish'], { encoding: 'utf8' }).stdout);
    const script = `source ../nd.fish\n${lines.map((l) => `complete -C ${JSON.stringify(l)}; echo '<END>'`).join('\n')}`;
    const r = spawnSync('fish', ['--no-config', '-c', script], { cwd: s.dir, encoding: 'utf8', timeout: 20_000, env: { ...process.env, PATH: `${s.bin}:${process.env.PATH}` } });
    assert.equal(r.status, 0, r.stderr);
    const raw = r.stdout.split('<END>\n');
    const got = raw.map((o) => o.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).sort());
    assert.match(raw[0]!, /^tail\tfollow error logs live/m, 'sub-commands come with their summary');
    assert.deepEqual(got[1], ['tail']);
    assert.deepEqual(got[2], ['--rotation-max', '--rotation-quiet']);
    assert.deepEqual(got[3], ['json', 'sarif', 'text']);
    assert.deepEqual(got[4], ['nginx.conf']);
    for (const [i, [cmd, flags]] of Object.entries(FLAGS).entries()) assert.deepEqual(got[5 + i], [...flags, '--help'].sort(), cmd);
  } finally {
    s.remove();
  }
});

// zsh completes only inside its line editor: a pseudo-terminal runs an interactive zsh with the
// script on $fpath and compinit, compadd is wrapped to print what is offered, TAB is pressed.
const ZSH_CAPTURE = `zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "PROMPT='> '; fpath=(\${(q)1} \\$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { if (( \${@[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi; local -a m; builtin compadd -A m "$@"; local x; for x in $m; do print -r -- "<M>$x</M>"; done; builtin compadd "$@"; }'
zpty -w z 'zstyle ":completion:*" menu no; LISTMAX=100000; nd_done() { print -r -- "<DONE>" }; zle -N nd_done; bindkey "^Y" nd_done; bindkey "^I" complete-word'
zpty -w -n z "$2"$'\\t\\C-y'
out=
end=$(( SECONDS + 15 ))
while (( SECONDS < end )); do
  if zpty -r -t z line; then out+=$line; [[ $out == *'<DONE>'* ]] && break; else sleep 0.05; fi
done
print -r -- "$out"
zpty -d z
`;

test('zsh completion: sub-commands, flags, values and files through compinit', { skip: shell('zsh') ? false : 'zsh is not installed (apt-get install zsh)' }, () => {
  const s = setup();
  try {
    const fdir = join(s.dir, '..', 'zfunc');
    mkdirSync(fdir);
    writeFileSync(join(fdir, '_nginx-doctor'), spawnSync(process.execPath, [CLI, 'completion', 'zsh'], { encoding: 'utf8' }).stdout);
    writeFileSync(join(fdir, 'capture.zsh'), ZSH_CAPTURE);
    const complete = (line: string): string[] => {
      const r = spawnSync('zsh', ['-f', join(fdir, 'capture.zsh'), fdir, line], { cwd: s.dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH: `${s.bin}:${process.env.PATH}` } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /<DONE>/, `zsh did not finish completing "${line}":\n${r.stdout.slice(-500)}`);
      return [...new Set([...r.stdout.matchAll(/<M>(.*?)<\/M>/g)].map((m) => m[1]!))].sort();
    };
    assert.deepEqual(complete('nginx-doctor ta'), ['tail']);
    assert.deepEqual(complete('nginx-doctor tail --rot'), ['--rotation-max', '--rotation-quiet']);
    assert.deepEqual(complete('nginx-doctor check --format '), ['json', 'sarif', 'text']);
    assert.deepEqual(complete('nginx-doctor check ng'), ['nginx.conf']);
    assert.deepEqual(complete('nginx-doctor tail --fo'), ['--format']);
    assert.deepEqual(complete('nginx-doctor completion '), ['bash', 'fish', 'zsh']);
  } finally {
    s.remove();
  }
});

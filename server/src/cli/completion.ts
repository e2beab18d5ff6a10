// `nginx-doctor completion bash|zsh|fish`: completion scripts generated from the table in spec.ts
// (sub-commands, their flags with descriptions, flag values, files, directories and SSH hosts).
import { COMMANDS, type Completion, type FlagSpec } from './spec';
import { UsageError } from './args';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function completionScript(shell: string): string {
  if (shell === 'bash') return bash();
  if (shell === 'zsh') return zsh();
  if (shell === 'fish') return fish();
  throw new UsageError(`completion needs a shell: bash, zsh or fish${shell ? ` (not "${shell}")` : ''}`);
}

const names = (): string => COMMANDS.map((c) => c.name).join(' ');

// ----- bash ------------------------------------------------------------------------------------

function bashValues(c: Completion | undefined): string {
  if (c === 'file' || c === undefined) return '_nd_files';
  if (c === 'dir') return '_nd_dirs';
  if (c === 'host') return 'COMPREPLY=( $(compgen -A hostname -- "$cur") )';
  if (c === 'none') return 'COMPREPLY=()';
  return `COMPREPLY=( $(compgen -W '${c.join(' ')}' -- "$cur") )`;
}

function bash(): string {
  const cases = COMMANDS.map((c) => {
    const valued = c.flags.filter((f) => f.value && f.name !== 'command');
    const flagWords = [...c.flags.map((f) => `--${f.name}`), '--help'].join(' ');
    const values = valued.map((f) => `        --${f.name}) ${bashValues(f.complete)}; return;;\n`).join('');
    const operand = c.operands[0]?.complete;
    return `    ${c.name})\n      case "$prev" in\n${values}      esac\n` +
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W '${flagWords}' -- "$cur") ); return; fi\n` +
      `      ${operand ? bashValues(operand) : 'COMPREPLY=()'};;\n`;
  }).join('');
  return `# bash completion for nginx-doctor: source <(nginx-doctor completion bash)
_nd_files() { compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ); }
_nd_dirs() { compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -d -- "$cur") ); }
_nginx_doctor() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]} i
  # --name=VALUE: bash splits at "=" (COMP_WORDBREAKS)
  if [[ "$cur" == "=" ]]; then cur=; prev=\${COMP_WORDS[COMP_CWORD-1]};
  elif [[ "$prev" == "=" ]]; then prev=\${COMP_WORDS[COMP_CWORD-2]}; fi
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=( $(compgen -W '${names()} --help --version' -- "$cur") ); return
  fi
  # after tail's --command: a program, then its arguments
  for ((i = 2; i < COMP_CWORD; i++)); do
    if [[ ( "$cmd" == tail || "$cmd" == exporter ) && "\${COMP_WORDS[i]}" == --command ]]; then
      if [[ $((i + 1)) -eq $COMP_CWORD ]]; then COMPREPLY=( $(compgen -c -- "$cur") ); else _nd_files; fi
      return
    fi
  done
  case "$cmd" in
${cases}  esac
}
complete -F _nginx_doctor nginx-doctor
`;
}

// ----- zsh -------------------------------------------------------------------------------------

const zq = (s: string): string => s.replace(/'/g, `'\\''`);
const zdesc = (s: string): string => zq(s.replace(/([[\]:\\])/g, '\\$1'));

function zshAction(c: Completion | undefined): string {
  if (c === 'file' || c === undefined) return '_files';
  if (c === 'dir') return '_files -/';
  if (c === 'host') return '_hosts';
  if (c === 'none') return ' ';
  return `(${c.join(' ')})`;
}

function zshFlag(f: FlagSpec, command: string): string {
  const desc = zdesc(f.help);
  if (!f.value) return `'--${f.name}[${desc}]'`;
  if (f.name === 'command' && (command === 'tail' || command === 'exporter')) return `'(-)--command[${desc}]:program:_command_names -e:*::arguments:_normal'`;
  return `'${f.repeat ? '*' : ''}--${f.name}=[${desc}]:${zdesc(f.value.toLowerCase())}:${zq(zshAction(f.complete))}'`;
}

function zsh(): string {
  const list = COMMANDS.map((c) => `    '${c.name}:${zdesc(c.summary)}'`).join('\n');
  const cases = COMMANDS.map((c) => {
    const specs = [...c.flags.map((f) => zshFlag(f, c.name)), `'(- *)'{-h,--help}'[show the help of ${c.name}]'`];
    const op = c.operands[0];
    if (op) specs.push(`'${op.name.endsWith('...') ? '*' : ''}:${zdesc(op.name.toLowerCase())}:${zq(zshAction(op.complete))}'`);
    return `    (${c.name})\n      _arguments -s -S \\\n        ${specs.join(' \\\n        ')} ;;\n`;
  }).join('');
  return `#compdef nginx-doctor
# zsh completion for nginx-doctor: nginx-doctor completion zsh > "\${fpath[1]}/_nginx-doctor"
_nginx-doctor() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'nginx-doctor command' commands
    _arguments '(- *)--help[show the overview]' '(- *)--version[print the version]'
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  curcontext="\${curcontext%:*:*}:nginx-doctor-$cmd:"
  case $cmd in
${cases}  esac
}
if [ "$funcstack[1]" = "_nginx-doctor" ]; then
  _nginx-doctor "$@"
else
  compdef _nginx-doctor nginx-doctor
fi
`;
}

// ----- fish ------------------------------------------------------------------------------------

const fq = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fishValues(c: Completion | undefined): string {
  if (c === 'file' || c === undefined) return '-r -F';
  if (c === 'dir') return "-x -a '(__fish_complete_directories)'";
  if (c === 'host') return "-x -a '(__fish_print_hostnames)'";
  if (c === 'none') return '-x';
  return `-x -a ${fq(c.join(' '))}`;
}

function fish(): string {
  let out = `# fish completion for nginx-doctor: nginx-doctor completion fish > ~/.config/fish/completions/nginx-doctor.fish
complete -c nginx-doctor -f
complete -c nginx-doctor -n __fish_use_subcommand -l help -s h -d 'show the overview'
complete -c nginx-doctor -n __fish_use_subcommand -l version -d 'print the version'
`;
  for (const c of COMMANDS) {
    out += `complete -c nginx-doctor -n __fish_use_subcommand -a ${c.name} -d ${fq(c.summary)}\n`;
  }
  for (const c of COMMANDS) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const f of c.flags) {
      if ((c.name === 'tail' || c.name === 'exporter') && f.name === 'command') {
        out += `complete -c nginx-doctor ${when} -l command -x -a '(__fish_complete_command)' -d ${fq(f.help)}\n`;
        continue;
      }
      out += `complete -c nginx-doctor ${when} -l ${f.name}${f.value ? ` ${fishValues(f.complete)}` : ''} -d ${fq(f.help)}\n`;
    }
    out += `complete -c nginx-doctor ${when} -s h -l help -d 'show the help of ${c.name}'\n`;
    const op = c.operands[0];
    if (op && op.complete === 'file') out += `complete -c nginx-doctor ${when} -F\n`;
    else if (op && Array.isArray(op.complete)) out += `complete -c nginx-doctor ${when} -x -a ${fq((op.complete as readonly string[]).join(' '))}\n`;
  }
  return out;
}

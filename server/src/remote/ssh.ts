// The system's OpenSSH client as nginx-doctor runs it: fixed options (BatchMode=yes: ssh never
// asks for anything, so a password, a passphrase or an unknown host key fails with a message; no
// forwarding, no local commands), and the classification of what it printed into a reason with a
// fix. Users' ~/.ssh/config, agent, ProxyJump and known_hosts apply as they do in a terminal;
// StrictHostKeyChecking is left as configured.

export type SshFailureReason = 'host-key-changed' | 'host-key-unknown' | 'auth' | 'sudo' | 'connection' | 'remote';

export interface SshFailure {
  reason: SshFailureReason;
  message: string;
  fix?: string;
  fatal: boolean;
}

/** The fixed ssh arguments before the destination. */
export function sshArgs(opts: { configFile?: string }): string[] {
  return [
    '-T', '-a', '-x',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=15',
    '-o', 'ServerAliveInterval=10',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'ClearAllForwardings=yes',
    '-o', 'PermitLocalCommand=no',
    '-o', 'ControlMaster=no',
    ...(opts.configFile ? ['-F', opts.configFile] : []),
  ];
}

export const firstLine = (s: string): string => s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^@+$/.test(l) && !/^Warning: Permanently added/.test(l))[0] ?? '';

/** Reads ssh's (and the remote's) stderr: what went wrong and what to do. */
export function classifySshError(stderr: string, dest: string, code: number | null, sudo: boolean): SshFailure {
  const s = stderr;
  const host = dest.replace(/^ssh:\/\//, '').replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(s)) {
    return {
      reason: 'host-key-changed', fatal: true,
      message: `the host key of ${host} does not match the one in known_hosts`,
      fix: `If the server was really reinstalled or its key rotated, check the new fingerprint with its administrator, then remove the old key with "ssh-keygen -R ${host}" and connect once with "ssh ${dest}" in a terminal. Otherwise someone may be intercepting the connection.`,
    };
  }
  if (/No \S+ host key is known for|Host key verification failed|host key is not known|The authenticity of host/i.test(s)) {
    return {
      reason: 'host-key-unknown', fatal: true,
      message: `the host key of ${host} is not in known_hosts, and nginx-doctor never accepts host keys by itself`,
      fix: `Run "ssh ${dest}" once in a terminal, compare the fingerprint it shows with the server's (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server), and accept it.`,
    };
  }
  if (/Permission denied \(|Too many authentication failures|no more authentication methods|Authentication failed/i.test(s)) {
    return {
      reason: 'auth', fatal: true,
      message: `SSH authentication to ${dest} failed (${firstLine(s)})`,
      fix: `nginx-doctor uses your SSH keys without prompting (BatchMode): add the key to the agent ("ssh-add"), or set IdentityFile and User for this host in ~/.ssh/config, and check that "ssh ${dest} true" works without a password.`,
    };
  }
  if (/sudo: .*password is required|sudo: a terminal is required|sudo: sorry, you must have a tty|is not in the sudoers|is not allowed to (execute|run sudo)|may not run sudo/i.test(s)) {
    return {
      reason: 'sudo', fatal: true,
      message: `sudo on ${host} needs a password or is not allowed (${firstLine(s)})`,
      fix: 'nginx-doctor only uses passwordless sudo ("sudo -n"). Prefer giving the SSH user read access instead: add it to the group that owns the log (Debian/Ubuntu: "sudo usermod -aG adm USER", then reconnect); or allow NOPASSWD sudo for it.',
    };
  }
  if (sudo && /sudo: (command )?not found|sudo: No such file/i.test(s)) {
    return { reason: 'sudo', fatal: true, message: `sudo is not installed on ${host}`, fix: 'Turn off "sudo" for this source and give the SSH user read access to the log (e.g. the adm group).' };
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(s)) {
    return { reason: 'connection', fatal: false, message: `cannot resolve ${host}`, fix: 'Check the host name (or its Host entry in ~/.ssh/config) and your network.' };
  }
  if (code === 255 || /Connection (refused|timed out|reset|closed)|closed by remote host|Broken pipe|No route to host|Network is unreachable|kex_exchange_identification|Connection to .* closed/i.test(s)) {
    return { reason: 'connection', fatal: false, message: `connection to ${dest} lost${firstLine(s) ? `: ${firstLine(s)}` : ''}` };
  }
  if (/sh: .*not found|exec.*No such file/i.test(s)) {
    return { reason: 'remote', fatal: true, message: `the remote side could not start its POSIX shell: ${firstLine(s)}` };
  }
  return { reason: 'remote', fatal: false, message: `the remote command ended (exit ${code ?? 'by signal'})${firstLine(s) ? `: ${firstLine(s)}` : ''}` };
}


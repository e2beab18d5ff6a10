// The value of the `host` label: the machine a source's lines come from. An SSH source is its
// destination without "ssh://" and "user@" (the port stays: two sshd on one machine are two
// hosts); a local file or a command is this machine's name.
import { hostname } from 'node:os';

export interface LabelledSource {
  kind: 'file' | 'ssh' | 'command';
  name: string;
  dest?: string;
}

export function hostLabelOf(s: LabelledSource, localName: string = hostname()): string {
  if (s.kind !== 'ssh' || !s.dest) return localName;
  return s.dest.replace(/^ssh:\/\//, '').replace(/^[^@]*@/, '');
}

// The value of the `host` label: the machine a source's lines come from. An SSH source is its
// destination as given ("web1", "deploy@10.0.0.5", "ssh://h:2222": two sshd on one machine are
// two hosts); a local file or a command is this machine's name. The same value as the `host`
// field the multi-host tail puts on every event (#20 part 1), which wins when present.
import { hostname } from 'node:os';

export interface LabelledSource {
  kind: 'file' | 'ssh' | 'command';
  name: string;
  dest?: string;
}

export function hostLabelOf(s: LabelledSource, localName: string = hostname()): string {
  return s.kind === 'ssh' && s.dest ? s.dest : localName;
}

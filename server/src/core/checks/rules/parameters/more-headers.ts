// Options of the headers-more directives (ngx_http_headers_more_parse_directive and its input
// twin): more_set_headers and more_clear_headers take -s STATUS... and -t TYPE...,
// more_set_headers also -a; more_set_input_headers and more_clear_input_headers take -t and -r.
// Anything else after "-" is refused with "<directive>: invalid option name".
import type { ConfigNode } from '../../../workspace/config-set';
import type { Finding } from './types';

const OPTIONS: Record<string, string[]> = {
  more_set_headers: ['-s', '-t', '-a'],
  more_clear_headers: ['-s', '-t'],
  more_set_input_headers: ['-t', '-r'],
  more_clear_input_headers: ['-t', '-r'],
};

export function checkMoreHeaders(node: ConfigNode): Finding | null {
  const allowed = OPTIONS[node.d.name] ?? [];
  const args = node.d.args;
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (!v.startsWith('-')) continue;
    if (!allowed.includes(v)) return { arg: args[i]!, message: `${node.d.name}: invalid option name: "${v}"; options are ${allowed.join(', ')}` };
    if (v === '-s' || v === '-t') {
      if (i === args.length - 1) return { arg: args[i]!, message: `${node.d.name}: option ${v} takes an argument.` };
      i++;
    }
  }
  return null;
}

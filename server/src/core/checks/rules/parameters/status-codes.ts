// Status codes of `return` (ngx_http_rewrite_return) and `error_page` (ngx_http_core_error_page).
import type { ConfigNode } from '../../../workspace/config-set';
import { ngxAtoi } from '../../../values/numbers';
import type { Finding } from './types';

/** return CODE [TEXT|URL] or return URL, where a lone URL must start with http://, https:// or $scheme. */
export function checkReturn(node: ConfigNode): Finding | null {
  const args = node.d.args;
  const first = args[0]!;
  const code = ngxAtoi(first.value);
  if (code === null) {
    const url = /^(http:\/\/|https:\/\/|\$scheme)/.test(first.value);
    if (args.length === 1 && url) return null;
    const hint = url
      ? '; with two arguments the first must be a status code, e.g. return 301 URL'
      : '; expected a status code such as 301, or a URL starting with "http://", "https://" or "$scheme"';
    return { arg: first, message: `invalid return code "${first.value}"${hint}` };
  }
  return code > 999 ? { arg: first, message: `invalid return code "${first.value}"` } : null;
}

/** error_page CODE... [=[RESPONSE]] URI */
export function checkErrorPage(node: ConfigNode): Finding | null {
  const args = node.d.args;
  let codes = args.length - 1;
  const answer = args[args.length - 2]!;
  if (answer.value.startsWith('=')) {
    if (codes === 1 || (answer.value.length > 1 && ngxAtoi(answer.value.slice(1)) === null)) {
      return { arg: answer, message: `invalid value "${answer.value}"` };
    }
    codes--;
  }
  for (const arg of args.slice(0, codes)) {
    const status = ngxAtoi(arg.value);
    if (status === null || status === 499) return { arg, message: `invalid value "${arg.value}"` };
    if (status < 300 || status > 599) return { arg, message: `value "${arg.value}" must be between 300 and 599` };
  }
  return null;
}

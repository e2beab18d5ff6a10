// What the checks behind the invalid-parameter rule take and return: the first argument nginx
// would refuse, with nginx's message, as nginx stops at the first one.
import type { Arg } from '../../../syntax/ast';
import type { ConfigNode } from '../../../workspace/config-set';
import type { Version } from '../../../util/version';
import type { Catalog } from '../../../catalog/catalog';

export interface Finding {
  arg: Arg;
  message: string;
}

/** `module` is the module whose handler reads the directive here (from the catalog verdict). */
export type ParameterCheck = (node: ConfigNode, version: Version | null, catalog: Catalog, module: string) => Finding | null;

/** Runs `check` over the arguments from index `from` and returns the first finding. */
export function firstFinding(args: readonly Arg[], from: number, check: (arg: Arg) => string | null): Finding | null {
  for (let i = from; i < args.length; i++) {
    const message = check(args[i]!);
    if (message) return { arg: args[i]!, message };
  }
  return null;
}

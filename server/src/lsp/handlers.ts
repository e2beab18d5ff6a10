// Every handler of the language server goes through these wrappers, so one failing request never
// takes the server down or leaves the client guessing:
// - a request whose handler throws is answered with a ResponseError (RequestFailed, a short
//   message without the error's text) and the error is logged with its stack to the server's
//   output (window/logMessage); a cancelled request is answered with RequestCancelled and not
//   logged; a ResponseError thrown on purpose passes through;
// - a notification handler's exception is logged and dropped.
// Logged errors carry the error's name, its message cut to 200 characters and the stack frames:
// never parameters, file contents or settings.
//
// NGINX_DOCTOR_TEST_FAULT (tests only; inert when unset) names handlers that fail on purpose,
// separated by commas: "hover" throws inside the hover handler, "hover:cancelled" waits until the
// request is cancelled (at most 10 s) and then throws. test/lsp/handler-errors.test.ts uses it.
import { CancellationToken, LSPErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';

const MAX_MESSAGE = 200;

/** The error as one log entry: name, message (cut), stack frames. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return `non-error value thrown (${typeof e})`;
  const message = e.message.length > MAX_MESSAGE ? `${e.message.slice(0, MAX_MESSAGE)}...` : e.message;
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [`${e.name}: ${message.replace(/[\r\n]+/g, ' ')}`, ...frames].join('\n');
}

type Fault = 'throw' | 'cancelled';
const faults = parseFaults(process.env.NGINX_DOCTOR_TEST_FAULT);

function parseFaults(spec: string | undefined): Map<string, Fault> {
  const out = new Map<string, Fault>();
  for (const item of (spec ?? '').split(',')) {
    const [name, mode] = item.trim().split(':');
    if (name) out.set(name, mode === 'cancelled' ? 'cancelled' : 'throw');
  }
  return out;
}

async function injectFault(fault: Fault, name: string, token: CancellationToken): Promise<void> {
  if (fault === 'cancelled') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      if (token.isCancellationRequested) done();
      else token.onCancellationRequested(done);
    });
  }
  throw new Error(`test fault injected into ${name} (NGINX_DOCTOR_TEST_FAULT)`);
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

export type Log = Pick<Connection['console'], 'error'>;

/**
 * Wraps a request handler. `ready` is awaited first (settings read); a request cancelled while
 * it waited is not run.
 */
export function request<P, R>(
  log: Log,
  name: string,
  fn: (p: P, token: CancellationToken) => R | Promise<R>,
  ready: Promise<void> = Promise.resolve(),
): (p: P, token?: CancellationToken) => Promise<R> {
  return async (p: P, token: CancellationToken = CancellationToken.None): Promise<R> => {
    await ready;
    if (token.isCancellationRequested) throw cancelled();
    try {
      const fault = faults.get(name);
      if (fault) await injectFault(fault, name, token);
      return await fn(p, token);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      if (token.isCancellationRequested) throw cancelled();
      log.error(`${name} failed: ${describeError(e)}`);
      throw new ResponseError(LSPErrorCodes.RequestFailed, `nginx-doctor: ${name} failed (internal error; details in the nginx-doctor output)`);
    }
  };
}

/** Wraps a notification or event handler: an exception (or a rejected promise) is logged. */
export function notification<A extends unknown[]>(log: Log, name: string, fn: (...a: A) => void | Promise<void>): (...a: A) => Promise<void> {
  return async (...a: A): Promise<void> => {
    try {
      // no await before fn unless a fault is injected: the handler starts synchronously, as unwrapped
      const fault = faults.get(name);
      if (fault) await injectFault(fault, name, CancellationToken.None);
      await fn(...a);
    } catch (e) {
      log.error(`${name} failed: ${describeError(e)}`);
    }
  };
}

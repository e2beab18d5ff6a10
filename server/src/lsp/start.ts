// Entry used by dist/server.js and `nginx-doctor lsp --stdio`: a connection on stdin/stdout.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

export function startStdioServer(): void {
  if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
  const connection = createConnection(ProposedFeatures.all);
  process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));
  // the last line of defence: an exception escaping a handler or timer is logged, not fatal
  process.on('uncaughtException', (e) => connection.console.error(`uncaught exception: ${e.stack ?? e.message}`));
  startServer(connection);
}

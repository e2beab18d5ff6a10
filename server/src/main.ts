// dist/server.js: the language server process started by the extension.
import { startStdioServer } from './lsp/start';

startStdioServer();

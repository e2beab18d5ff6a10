// Writes the cause table of docs/logs.md from the cause records (server/src/core/logs/causes.ts).
// Needs the compiled tree: npx tsc -b && node scripts/gen-cause-table.mjs
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const REPO = resolve(new URL('..', import.meta.url).pathname);
const { CAUSES } = require(resolve(REPO, 'out/server/src/core/logs/causes.js'));
const { writeTable, LOGS_DOC } = require(resolve(REPO, 'out/test/helpers/cause-docs.js'));
console.log(writeTable(CAUSES) ? `updated ${LOGS_DOC}` : `${LOGS_DOC} is up to date`);

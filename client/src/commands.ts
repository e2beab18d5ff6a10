// Every command of the extension, in one table: its id (constants.ts, contributed in
// package.json), what it runs, and whether it runs programs and so needs a trusted workspace.
// Ctx.registerCommands registers them and applies the trust gate; the type makes the table
// list every id exactly once.
import type { ConfigPlace } from '../../server/src/protocol/protocol';
import type { Ctx, CommandTable } from './ctx';
import type { ExplainFeature } from './explain/index';
import type { TailFeature } from './tail/index';
import type { CheckServerFeature } from './doctor/index';
import type { EffectiveSettingsFeature } from './settings/index';
import { COMMANDS } from './constants';
import { openPlace } from './open-place';
import { fixAllInFile } from './fix-all';

export interface Features {
  ctx: Ctx;
  explain: ExplainFeature;
  tail: TailFeature;
  checkServer: CheckServerFeature;
  settings: EffectiveSettingsFeature;
}

export const COMMAND_TABLE: CommandTable<Features> = {
  [COMMANDS.restartServer]: { run: (f) => f.ctx.restartLanguageClient() },
  [COMMANDS.showOutput]: { run: (f) => f.ctx.output.show() },
  [COMMANDS.explain502]: { run: (f, arg) => f.explain.explain(arg) },
  [COMMANDS.matchUrl]: { run: (f, arg) => f.explain.matchUrl(arg) },
  [COMMANDS.openConfigPlace]: { run: (_f, arg) => openPlace(arg as ConfigPlace) },
  [COMMANDS.tailErrorLog]: {
    trust: { doing: 'tailing logs', runs: 'ssh and other programs', goal: 'tail logs' },
    run: (f, arg) => f.tail.start(arg),
  },
  [COMMANDS.tailAllHosts]: {
    trust: { doing: 'tailing logs', runs: 'ssh and other programs', goal: 'tail logs' },
    run: (f) => f.tail.startAllHosts(),
  },
  [COMMANDS.stopTail]: { run: (f) => f.tail.stop() },
  [COMMANDS.fixAllProblems]: { run: () => fixAllInFile() },
  [COMMANDS.checkServer]: {
    trust: { doing: 'checking a server', runs: 'nginx, a shell and ssh', goal: 'check a server for 502 causes' },
    run: (f) => f.checkServer.run(),
  },
  [COMMANDS.showEffectiveSettings]: {
    trust: { doing: 'showing effective settings', runs: 'the nginx-doctor CLI', goal: 'show the effective settings of a location' },
    run: (f, arg) => f.settings.show(arg),
  },
};

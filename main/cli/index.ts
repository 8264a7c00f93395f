/** The `redesk` command line: headless entries to the same services the app uses. */
import { Command } from 'commander';
import { packageRoot } from '../node/appPaths';
import { appVersion } from '../node/services';
import { registerAgentCommands } from './commands/agentCommands';
import { registerAttemptCommands } from './commands/attemptCommands';
import { registerBundleCommands } from './commands/bundleCommands';
import { registerEnvCommands } from './commands/envCommands';
import { registerKeyCommands } from './commands/keyCommands';
import { registerLogCommands } from './commands/logCommands';
import { registerModelCommands } from './commands/modelCommands';
import { registerPatchCommands } from './commands/patchCommands';
import { registerReviewCommands } from './commands/reviewCommands';
import { registerServeCommands } from './commands/serveCommands';

const root = packageRoot();
const program = new Command();
program
  .name('redesk')
  .description('offline, proctored, timed research-engineering evaluations')
  .version(appVersion(root))
  .showHelpAfterError();

registerServeCommands(program, root);
registerEnvCommands(program);
registerAttemptCommands(program);
registerLogCommands(program);
registerKeyCommands(program);
registerBundleCommands(program);
registerReviewCommands(program);
registerModelCommands(program);
registerPatchCommands(program);
registerAgentCommands(program);

await program.parseAsync(process.argv);

import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RedeskError } from '../../common/errors';
import { exportCasts, formatExportResult } from '../../node/recorder/castExport';
import { formatVerifyResult, verifyLog } from '../../node/recorder/verifyLog';
import { fail, print } from '../output';

/** `redesk log`: check and export an attempt's trajectory (the folder holding events/); works on a copy too. */
export function registerLogCommands(program: Command): void {
  const log = program.command('log').description("verify and export an attempt's event log (its events/ folder)");

  log
    .command('verify <attempt-dir>')
    .description('check the hash chain and the signed checkpoints; exit 0 only when the log is intact')
    .option('--public-key <file>', "the key the checkpoints must be signed by (OpenSSH .pub or PEM); default: the log's own key")
    .option('--json', 'print the full result as JSON')
    .action(async (dir: string, o: { publicKey?: string; json?: boolean }) => {
      try {
        const publicKey = o.publicKey ? await readKeyFile(o.publicKey) : undefined;
        const result = await verifyLog(resolve(dir), publicKey ? { publicKey } : {});
        print(!!o.json, result, () => formatVerifyResult(result));
        if (!result.ok) process.exitCode = 1;
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  log
    .command('export <attempt-dir>')
    .description('write each terminal of the attempt as an asciicast v2 file (asciinema play / cat)')
    .requiredOption('--cast <out-dir>', 'folder for the .cast files (made if missing)')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { cast: string; json?: boolean }) => {
      try {
        const result = await exportCasts(resolve(dir), resolve(o.cast));
        print(!!o.json, result, () => formatExportResult(result));
      } catch (e) {
        fail(e, !!o.json);
      }
    });
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (e) {
    throw new RedeskError('KEY_NOT_FOUND', `Cannot read the public key ${path}: ${(e as Error).message}`, { where: path, cause: e });
  }
}

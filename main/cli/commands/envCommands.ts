import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { envJsonSchema } from '../../common/envSchema';
import { checkEnvDir } from '../../node/envs/loadEnv';
import { openApi } from '../apiFor';
import { fail, print } from '../output';

export function registerEnvCommands(program: Command): void {
  const env = program.command('env').description('list, check and describe environments');

  env
    .command('list')
    .description('list the environments this install can run')
    .option('--data-dir <dir>', 'data directory (default: the OS app-data folder)')
    .option('--json', 'print JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      try {
        const s = await openApi(o.dataDir);
        const list = await s.api.envList();
        await s.close();
        print(!!o.json, list, () =>
          list
            .map((e) => (e.error ? `${e.id}  INVALID  ${e.error.message}` : `${e.id}@${e.version}  ${e.title}  (${e.timeLimitMinutes} min)`))
            .join('\n'),
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  env
    .command('check <dir>')
    .description('validate an environment folder: env.json, instructions, starter, scorer, assets')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const report = await checkEnvDir(resolve(dir));
      print(!!o.json, report, () =>
        report.ok ? `ok: ${report.id}@${report.version} (env ${report.envHash?.slice(0, 12)}, scorer ${report.scorerHash?.slice(0, 12)})` : `invalid:\n  ${report.issues.join('\n  ')}`,
      );
      if (!report.ok) process.exitCode = 1;
    });

  env
    .command('schema')
    .description('print the env.json JSON Schema (or write it with --out)')
    .option('--out <file>', 'write to this file')
    .action(async (o: { out?: string }) => {
      const text = JSON.stringify(envJsonSchema(), null, 2) + '\n';
      if (o.out) await writeFile(o.out, text);
      else process.stdout.write(text);
    });
}

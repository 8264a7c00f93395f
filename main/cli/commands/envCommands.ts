import type { Command } from 'commander';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EnvSummary } from '../../common/api';
import { envJsonSchema } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import { defaultDataDir } from '../../node/appPaths';
import { packEnv } from '../../node/envpacks/packEnv';
import { checkEnvDir } from '../../node/envs/loadEnv';
import { pinAssets } from '../../node/envs/pinAssets';
import { loadOrCreateKey } from '../../node/keys/keyStore';
import { openApi } from '../apiFor';
import { fail, print } from '../output';

const DATA_DIR = ['--data-dir <dir>', 'data directory (default: the OS app-data folder)'] as const;

export function registerEnvCommands(program: Command): void {
  const env = program.command('env').description('list, check, pin, pack and import environments');

  env
    .command('list')
    .description('list the environments this install can run, with each variant\'s hardware')
    .option(...DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      try {
        const s = await openApi(o.dataDir);
        const list = await s.api.envList();
        await s.close();
        print(!!o.json, list, () => list.map(describeEnv).join('\n'));
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  env
    .command('check <dir>')
    .description('validate an environment folder: env.json, every variant\'s instructions, starter and scorer, assets')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const report = await checkEnvDir(resolve(dir));
      print(!!o.json, report, () =>
        [
          report.ok ? `ok: ${report.id}@${report.version} (env ${report.envHash?.slice(0, 12)}, scorer ${report.scorerHash?.slice(0, 12)})` : `invalid:\n  ${report.issues.join('\n  ')}`,
          ...report.warnings.map((w) => `  to supply: ${w}`),
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 1;
    });

  env
    .command('pin <dir>')
    .description('hash the asset files present in an environment folder and write their sha256 and size into env.json')
    .option('--variant <name>', 'pin the assets this variant uses (its own list when it has one); default: every list')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { variant?: string; json?: boolean }) => {
      try {
        const r = await pinAssets(resolve(dir), o.variant);
        print(!!o.json, r, () =>
          [
            ...r.assets.map((a) => `${a.status.padEnd(9)} ${a.list}: ${a.path}${a.sha256 ? `  ${a.size} bytes  sha256 ${a.sha256}` : ''}${a.was ? `  (was ${a.was.sha256 ?? 'unpinned'})` : ''}`),
            r.written ? `wrote ${r.file}` : `${r.file} unchanged`,
          ].join('\n'),
        );
        if (r.assets.some((a) => a.status === 'missing')) process.exitCode = 1;
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  env
    .command('pack <dir>')
    .description('write a signed environment pack (.redeskenv) of an environment folder and its assets')
    .requiredOption('--out <file>', 'the pack to write (never overwritten)')
    .option('--key <file>', "the organizer's Ed25519 private key (PKCS#8 PEM); default: this data directory's organizer key (made on first use)")
    .option('--separate-asset <path...>', 'an asset the organizer hands out separately: listed, not packed')
    .option(...DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { out: string; key?: string; separateAsset?: string[]; dataDir?: string; json?: boolean }) => {
      try {
        const key = o.key ? await readPrivateKeyFile(o.key) : (await loadOrCreateKey(o.dataDir ?? defaultDataDir(), 'organizer')).privateKey;
        const r = await packEnv({ envDir: resolve(dir), out: resolve(o.out), key, separateAssets: o.separateAsset ?? [] });
        const m = r.manifest;
        print(!!o.json, { file: r.file, bytes: r.bytes, manifest: m }, () =>
          [
            `wrote ${r.file} (${r.bytes} bytes): ${m.env.id}@${m.env.version}, env ${m.env.envHash.slice(0, 12)}…`,
            `  ${m.files.filter((f) => f.kind === 'file').length} file(s), ${m.files.filter((f) => f.kind === 'asset').length} asset(s)${m.separateAssets.length ? `; supplied separately: ${m.separateAssets.join(', ')}` : ''}`,
            `  signed by ${m.signer.fingerprint}: experts trust it with an allowed_signers line for namespace redesk-envpack`,
          ].join('\n'),
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  env
    .command('import <file>')
    .description('verify a signed environment pack (signature, every hash) and install it in the data directory')
    .option('--allowed-signers <file>', 'the organizers you trust (default: <data-dir>/allowed_signers)')
    .option('--replace', 'replace an installed environment of the same id')
    .option(...DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (file: string, o: { allowedSigners?: string; replace?: boolean; dataDir?: string; json?: boolean }) => {
      try {
        const s = await openApi(o.dataDir);
        try {
          const r = await s.api.envImport(resolve(file), { ...(o.allowedSigners ? { allowedSigners: resolve(o.allowedSigners) } : {}), ...(o.replace ? { replace: true } : {}) });
          print(!!o.json, r, () =>
            [
              `${r.replaced ? 'replaced' : 'installed'} ${r.id}@${r.version} in ${r.dir}`,
              `  signed by ${r.signer.principals.join(', ')} (${r.signer.fingerprint})`,
              ...(r.separateAssets.length ? [`  put these assets in place before a full attempt: ${r.separateAssets.join(', ')}`] : []),
            ].join('\n'),
          );
        } finally {
          await s.close();
        }
      } catch (e) {
        fail(e, !!o.json);
      }
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

function describeEnv(e: EnvSummary): string {
  if (e.error) return `${e.id}  INVALID  ${e.error.message}`;
  const head = `${e.id}@${e.version}  ${e.title}  (${e.timeLimitMinutes} min)`;
  const variants = (e.variantDetails ?? []).map((v) => {
    const h = v.hardware;
    const gpu = h.gpus ? `${h.gpus} GPU${h.gpus > 1 ? 's' : ''}${h.gpuMemoryGiB ? ` ≥ ${h.gpuMemoryGiB} GiB` : ''}` : 'no GPU';
    return `    ${v.name}${v.name === e.defaultVariant ? ' (default)' : ''}: ${gpu}, ${h.cpus} CPU, ${h.ramGiB} GiB RAM, ${v.timeLimitMinutes} min${v.assets ? `, ${v.assets} asset(s)` : ''}`;
  });
  return [head, ...variants].join('\n');
}

/** An Ed25519 private key from a PKCS#8 PEM file (what `<data-dir>/keys/organizer.key` holds). */
async function readPrivateKeyFile(path: string): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(resolve(path), 'utf8'));
  } catch (e) {
    throw new RedeskError('KEY_INVALID', `${path} is not a readable private key: ${(e as Error).message}`, {
      where: path,
      hint: 'Give a PKCS#8 PEM Ed25519 key, such as <data-dir>/keys/organizer.key (`redesk keys init --role organizer` makes one).',
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new RedeskError('KEY_INVALID', `${path} holds a ${key.asymmetricKeyType} key, not Ed25519.`, { where: path });
  return key;
}

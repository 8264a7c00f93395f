import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BundleListing, RedeskApi } from '../../common/api';
import { RedeskError } from '../../common/errors';
import { aggregateBundles } from '../report/aggregateBundles';
import { verifyBundles, type BundleVerdict } from './verifyBundle';

export type BundlesApi = Pick<RedeskApi, 'bundlesScan' | 'bundlesReport'>;

const SIGNERS_FILE = 'allowed_signers';

/**
 * The Bundles view's methods: scan a folder (or one file) of bundles, and aggregate it into `<folder>/report/`.
 * Relative paths resolve against the data folder. allowed_signers is looked for beside the bundles, then in the
 * data folder; a scan without one accepts any signer and names it, a report refuses to run without one.
 */
export function bundlesApi(o: { dataDir: string }): BundlesApi {
  const signersFor = (folder: string) => allowedSignersFor(o.dataDir, folder);
  return {
    bundlesScan: async (path) => {
      const abs = absolute(o.dataDir, path);
      const signers = signersFor(await folderOf(abs));
      const report = await verifyBundles(abs, signers ? { allowedSigners: signers } : { trustAnySigner: true });
      return { path: abs, ...(signers ? { allowedSigners: signers } : {}), bundles: report.bundles.map(listing) };
    },
    bundlesReport: async (path, opts) => {
      const abs = absolute(o.dataDir, path);
      const folder = await folderOf(abs);
      const signers = opts?.allowedSigners ? absolute(o.dataDir, opts.allowedSigners) : signersFor(folder);
      if (!signers) {
        throw new RedeskError('BAD_REQUEST', `A report counts only bundles from experts you accept, and there is no ${SIGNERS_FILE} in ${folder} or ${o.dataDir}.`, {
          hint: `Put an OpenSSH ${SIGNERS_FILE} file (one "principal key" line per expert) beside the bundles.`,
        });
      }
      const outDir = join(folder, 'report');
      const { summary, files } = await aggregateBundles(abs, { outDir, allowedSigners: signers });
      const invalidated = summary.review?.invalidated.length ?? 0;
      return {
        outDir,
        files,
        allowedSigners: signers,
        summary: {
          bundles: { ...summary.bundles, invalidated },
          groups: (['human', 'agent'] as const).flatMap((g) => {
            const x = summary.groups[g];
            return x ? [{ group: g, runs: x.runs, environments: x.environments, meanNormalized: x.meanNormalized.value, lo: x.meanNormalized.ci.lo, hi: x.meanNormalized.ci.hi }] : [];
          }),
          failures: summary.failures,
        },
      };
    },
  };
}

/** The allowed_signers beside the bundles, else the data folder's; undefined when neither exists. */
export function allowedSignersFor(dataDir: string, folder: string): string | undefined {
  return [join(folder, SIGNERS_FILE), join(dataDir, SIGNERS_FILE)].find((p) => existsSync(p));
}

/** A folder or file of bundles named by the view or the CLI: relative paths resolve against the data folder. */
export function absolute(dataDir: string, path: string): string {
  if (typeof path !== 'string' || path.trim() === '') throw new RedeskError('BAD_REQUEST', 'Which bundles? Give a folder of .redesk files or one .redesk file.', { where: 'path' });
  return resolve(dataDir, path.trim());
}

/** The folder itself, or the folder a bundle file is in; FILE_NOT_FOUND when neither exists. */
export async function folderOf(abs: string): Promise<string> {
  const s = await stat(abs).catch(() => {
    throw new RedeskError('FILE_NOT_FOUND', `There is no file or folder ${abs}.`, { where: abs, hint: 'Give a path on the machine the host runs on.' });
  });
  return s.isDirectory() ? abs : dirname(abs);
}

function listing(v: BundleVerdict): BundleListing {
  const m = v.manifest;
  return {
    file: v.file,
    ok: v.ok,
    code: v.code,
    message: v.message,
    warnings: v.warnings,
    ...(v.signer ? { signer: v.signer } : {}),
    ...(m
      ? {
          attempt: m.attempt.id,
          envId: m.env.id,
          envVersion: m.env.version,
          envTitle: m.env.title,
          group: m.agent ? ('agent' as const) : ('human' as const),
          ...(m.agent ? { agent: m.agent.version ? `${m.agent.name} ${m.agent.version}` : m.agent.name } : {}),
          ticket: m.ticket?.id ?? null,
        }
      : {}),
    final: m?.score.final ?? null,
    normalized: m?.score.normalized ?? null,
  };
}

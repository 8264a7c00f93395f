import { existsSync } from 'node:fs';
import { appendFile, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BundleListing, RedeskApi } from '../../common/api';
import { RedeskError } from '../../common/errors';
import { aggregateBundles } from '../report/aggregateBundles';
import { BUNDLE_NAMESPACE } from '../../common/bundle/manifest';
import { parseOpenSsh } from '../keys/openssh';
import { allowedSignersLine, readAllowedSigners } from '../ssh/allowedSigners';
import { sameKey } from '../ssh/sshsig';
import { verifyBundleFile, verifyBundles, type BundleVerdict } from './verifyBundle';

export type BundlesApi = Pick<RedeskApi, 'bundlesScan' | 'bundlesReport' | 'bundlesAcceptSigner'>;

const SIGNERS_FILE = 'allowed_signers';

/**
 * The Bundles view's methods: scan a folder (or one file) of bundles, and aggregate it into `<folder>/report/`.
 * Relative paths resolve against the data folder. allowed_signers is looked for beside the bundles, then in the
 * data folder; a scan without one accepts any signer and names it, a report refuses to run without one.
 */
export function bundlesApi(o: { dataDir: string }): BundlesApi {
  const signersFor = (folder: string) => allowedSignersFor(o.dataDir, folder);
  const scan = async (path: string) => {
    const abs = absolute(o.dataDir, path);
    const signers = signersFor(await folderOf(abs));
    const report = await verifyBundles(abs, signers ? { allowedSigners: signers } : { trustAnySigner: true });
    return { path: abs, ...(signers ? { allowedSigners: signers } : {}), bundles: report.bundles.map(listing) };
  };
  return {
    bundlesScan: scan,
    bundlesAcceptSigner: async (path, bundleFile, principal) => {
      const folder = await folderOf(absolute(o.dataDir, path));
      await acceptSigner(absolute(o.dataDir, bundleFile), principal, signersFor(folder) ?? join(folder, SIGNERS_FILE));
      return scan(path);
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

/** A principal ssh-keygen reads back as one name: no spaces, quotes, commas or pattern characters. */
const PRINCIPAL = /^[A-Za-z0-9._@+-]{1,128}$/;

/**
 * Appends the key that signed a bundle's manifest to an allowed_signers file under `principal`, for the bundle
 * namespace only. Refused when the principal is not a plain name (BAD_REQUEST), when the manifest's signature does
 * not check (the key would be a claim, not a signer), or when the file already lists that key.
 */
async function acceptSigner(bundleFile: string, principal: string, signersFile: string): Promise<void> {
  if (typeof principal !== 'string' || !PRINCIPAL.test(principal)) {
    throw new RedeskError('BAD_REQUEST', `Name the expert with letters, digits and . _ @ + - (like alice@lab), not ${JSON.stringify(principal)}.`, { where: 'principal' });
  }
  const v = await verifyBundleFile(bundleFile, { trustAnySigner: true });
  if (!v.manifest || v.code === 'BUNDLE_SIGNATURE_INVALID') {
    throw new RedeskError(v.code ?? 'BUNDLE_MALFORMED', `${bundleFile}: its signer cannot be read (${v.message}), so there is no key to accept.`, { where: bundleFile });
  }
  const key = parseOpenSsh(v.manifest.expert.publicKey);
  const existing = existsSync(signersFile) ? await readAllowedSigners(signersFile) : [];
  const listed = existing.find((s) => s.publicKey && sameKey(s.publicKey, key));
  if (listed) {
    throw new RedeskError('BAD_REQUEST', `${signersFile} already lists this key (line ${listed.line}, as ${listed.principals.join(',')}).`, { where: signersFile });
  }
  const text = existsSync(signersFile) ? await readFile(signersFile, 'utf8') : '';
  const line = allowedSignersLine(principal, key, [BUNDLE_NAMESPACE]);
  await appendFile(signersFile, `${text && !text.endsWith('\n') ? '\n' : ''}${line}\n`, { mode: 0o644 });
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

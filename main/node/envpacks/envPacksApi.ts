import { join, resolve } from 'node:path';
import type { EnvImportOptions, EnvImportResult } from '../../common/api';
import { RedeskError } from '../../common/errors';
import type { EnvRegistry } from '../envs/EnvRegistry';
import { isInside } from '../scorer/isInside';
import { importPack } from './importPack';

export interface EnvPacksApiOptions {
  dataDir: string;
  envs: EnvRegistry;
}

/** The API's side of environment packs: import into <dataDir>/envs, trusting <dataDir>/allowed_signers by default. */
export function envPacksApi(o: EnvPacksApiOptions): { envImport(path: string, opts?: EnvImportOptions): Promise<EnvImportResult> } {
  const envsDir = join(o.dataDir, 'envs');
  return {
    async envImport(path, given) {
      // Over the wire an absent argument arrives as null.
      const opts: EnvImportOptions = given ?? {};
      if (typeof path !== 'string' || !path.trim()) throw new RedeskError('BAD_REQUEST', 'Give the path of an environment pack (.redeskenv) on this machine.');
      // Ids bundled with the app win over imported ones; importing one of those would install a copy never used.
      const reservedIds = (await o.envs.list()).filter((e) => !isInside(envsDir, e.dir)).map((e) => e.id);
      const r = await importPack({
        file: resolve(path.trim()),
        envsDir,
        allowedSigners: resolve(o.dataDir, opts.allowedSigners ?? 'allowed_signers'),
        reservedIds,
        ...(opts.replace ? { replace: true } : {}),
      });
      const summary = (await o.envs.list()).find((e) => e.dir === r.dir);
      if (!summary) throw new RedeskError('INTERNAL', `${r.dir} was installed but is not listed.`);
      return { ...summary, signer: r.signer, separateAssets: r.separateAssets, replaced: r.replaced };
    },
  };
}

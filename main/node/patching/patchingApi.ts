import type { RedeskApi } from '../../common/api';
import { RedeskError } from '../../common/errors';
import type { EmitFn } from '../../common/api';

export interface PatchingApiOptions {
  /** Shipped models (resources/models) and the user's imported ones (<dataDir>/models). */
  modelDirs: string[];
  emit: EmitFn;
}

type PatchingApi = Pick<RedeskApi, 'modelList' | 'modelTokenize' | 'patchSweep' | 'patchExplain' | 'patchAttention' | 'patchCancel'>;

/** The explorer's API methods (being built: issue 5). */
export function patchingApi(_opts: PatchingApiOptions): PatchingApi {
  const todo = async (): Promise<never> => {
    throw new RedeskError('INTERNAL', 'the path-patching engine is not built yet');
  };
  return { modelList: todo, modelTokenize: todo, patchSweep: todo, patchExplain: todo, patchAttention: todo, patchCancel: todo };
}

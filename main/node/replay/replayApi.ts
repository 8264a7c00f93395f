import type { RedeskApi } from '../../common/api';
import type { ReplayService } from './ReplayService';

export type ReplayApi = Pick<RedeskApi, 'replayOpen' | 'replayFrame' | 'replayRange' | 'replaySearch' | 'replayClose'>;

/** The contract's replay methods, served by one ReplayService; services.ts spreads them into the API. */
export function replayApi(service: ReplayService): ReplayApi {
  return {
    replayOpen: (source) => service.openReplay(source),
    replayFrame: (replayId, t) => service.frame(replayId, t),
    replayRange: (replayId, fromT, toT, limit) => service.range(replayId, fromT, toT, limit),
    replaySearch: (replayId, query, opts) => service.search(replayId, query, opts ?? {}),
    replayClose: (replayId) => service.close(replayId),
  };
}

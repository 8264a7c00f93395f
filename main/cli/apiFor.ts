import type { RedeskApi } from '../common/api';
import { defaultDataDir } from '../node/appPaths';
import { createServices } from '../node/services';
import { readLock } from '../node/store/DataDirLock';
import { connectRemoteApi } from './RemoteApi';

export interface ApiSession {
  api: RedeskApi;
  /** Where the calls go: this process, or a live host that holds the data directory. */
  via: 'in-process' | 'host';
  close(): Promise<void>;
}

/**
 * One-shot commands run the services in this process, unless a live app or browser-mode host holds the data
 * directory: then they ask that host, which owns the attempts and their clocks.
 */
export async function openApi(dataDir: string | undefined): Promise<ApiSession> {
  const dir = dataDir ?? defaultDataDir();
  const lock = await readLock(dir);
  if (lock?.alive && lock.host) {
    const remote = await connectRemoteApi(lock.host.port, lock.host.token);
    return { api: remote.api, via: 'host', close: async () => remote.close() };
  }
  const services = await createServices({ dataDir: dir, mode: 'cli' });
  return { api: services.api, via: 'in-process', close: () => services.dispose() };
}

import type { RedeskApi } from '../common/api';
import { isRedeskError } from '../common/errors';
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
 * How long a one-shot command waits for another one-shot command (a score run, say) to release the data
 * directory before giving up with DATA_DIR_LOCKED: longer than a typical scorer run, so agents that call
 * `attempt status` while `attempt score` runs are served in turn rather than refused.
 */
const LOCK_WAIT_MS = Number(process.env.REDESK_LOCK_WAIT_MS ?? 15 * 60_000);
const LOCK_POLL_MS = 200;

/**
 * One-shot commands run the services in this process, unless a live app or browser-mode host holds the data
 * directory: then they ask that host, which owns the attempts and their clocks.
 */
export async function openApi(dataDir: string | undefined): Promise<ApiSession> {
  const dir = dataDir ?? defaultDataDir();
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    const lock = await readLock(dir);
    if (lock?.alive && lock.host) {
      const remote = await connectRemoteApi(lock.host.port, lock.host.token);
      return { api: remote.api, via: 'host', close: async () => remote.close() };
    }
    try {
      const services = await createServices({ dataDir: dir, mode: 'cli' });
      return { api: services.api, via: 'in-process', close: () => services.dispose() };
    } catch (e) {
      if (!isRedeskError(e) || e.code !== 'DATA_DIR_LOCKED' || Date.now() > deadline) throw e;
      if (!told) {
        process.stderr.write(`redesk: waiting for another redesk command on ${dir} (pid ${lock?.pid ?? '?'}) to finish\n`);
        told = true;
      }
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
}

/**
 * Entry of the verify worker (bundled to dist/node/verifyWorker.js): verifies one attempt's log off the caller's
 * event loop, so replay can index the log while it is checked, and the host keeps answering meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyLog } from './verifyLog';

const { dir } = workerData as { dir: string };
verifyLog(dir).then(
  (r) => parentPort!.postMessage({ ok: true, result: r }),
  (e: unknown) => parentPort!.postMessage({ ok: false, message: (e as Error).message }),
);

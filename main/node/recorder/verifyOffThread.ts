import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../appPaths';
import { verifyLog, type VerifyResult } from './verifyLog';

/** The bundled worker entry, outside the asar archive when packaged (like the patching worker). */
export function verifyWorkerEntry(root: string = packageRoot()): string {
  return join(root.replace(/app\.asar$/, 'app.asar.unpacked'), 'dist', 'node', 'verifyWorker.js');
}

/**
 * verifyLog(dir) in a worker thread (the log's own key, as replay checks it). Where the worker entry is not built
 * (tests run from source), it runs here instead: the same result, on this thread.
 */
export function verifyLogOffThread(dir: string, entry: string = verifyWorkerEntry()): Promise<VerifyResult> {
  const file = resolve(entry);
  if (!existsSync(file)) return verifyLog(dir);
  return new Promise((ok, fail) => {
    const w = new Worker(file, { workerData: { dir } });
    let done = false;
    w.once('message', (m: { ok: true; result: VerifyResult } | { ok: false; message: string }) => {
      done = true;
      if (m.ok) ok(m.result);
      else fail(new Error(m.message));
      void w.terminate();
    });
    w.once('error', (e) => {
      done = true;
      fail(e);
    });
    w.once('exit', (code) => {
      if (!done) fail(new Error(`the verify worker exited with code ${code} before answering`));
    });
  });
}

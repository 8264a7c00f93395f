/**
 * Entry of the patching worker (bundled to dist/node/patchWorker.js): holds one model's ORT sessions and runs its
 * parts for WorkerExecutor, so that inference never blocks the host's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorData } from '../../../common/errors';
import { OrtParts } from './ortParts';
import type { OutTensor } from './runner';
import type { WorkerInit, WorkerReply, WorkerRequest } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('patchWorkerMain must run in a worker thread');
const init = workerData as WorkerInit;
const send = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const parts = new OrtParts(init.paths, { provider: init.provider, threads: init.threads, log: (log) => send({ id: -1, log }) });

port.on('message', (req: WorkerRequest) => {
  parts.run(req.part, req.feeds, req.fetches).then(
    (outputs) => {
      // Copies out of ORT's buffers so that they can be transferred.
      const owned: Record<string, OutTensor> = {};
      for (const [k, t] of Object.entries(outputs)) owned[k] = { dims: t.dims, data: new Float32Array(t.data) };
      send({ id: req.id, ok: true, outputs: owned, provider: parts.provider() }, Object.values(owned).map((t) => t.data.buffer as ArrayBuffer));
    },
    (e: unknown) => send({ id: req.id, ok: false, error: toErrorData(e) }),
  );
});

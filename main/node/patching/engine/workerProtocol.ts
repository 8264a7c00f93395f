/** Messages between WorkerExecutor (caller) and patchWorkerMain (the worker thread). Typed arrays are transferred. */
import type { RedeskErrorData } from '../../../common/errors';
import type { FeedTensor, OutTensor, PartKey, RunnerOptions } from './runner';

export interface WorkerInit {
  paths: Record<string, string>;
  provider: RunnerOptions['provider'];
  threads?: number;
}

export interface WorkerRequest {
  id: number;
  part: PartKey;
  feeds: Record<string, FeedTensor>;
  fetches?: string[];
}

export type WorkerReply =
  | { id: number; ok: true; outputs: Record<string, OutTensor>; provider: string }
  | { id: number; ok: false; error: RedeskErrorData }
  | { id: -1; log: string };

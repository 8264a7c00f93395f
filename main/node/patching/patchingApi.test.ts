import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatchProgress } from '../../common/patching/types';
import { loadModelDir } from './model';
import { PatchEngine } from './engine/PatchEngine';
import { buildTestWorker, HANDBUILT, writeRandomModel } from './engine/testKit';
import { providerUnavailable } from './engine/ortParts';
import { patchingApi } from './patchingApi';

describe('patching API (ORT in the worker thread)', () => {
  let worker: { entry: string; cleanup: () => void };
  let tmp: string;
  let api: ReturnType<typeof patchingApi>;
  const events: PatchProgress[] = [];
  const pair = { clean: 'a b c d e f a b c d e', corrupt: 'g h i j k l m n o p e', answers: ['f', 'g'] as [string, string] };

  beforeAll(async () => {
    worker = await buildTestWorker();
    tmp = mkdtempSync(join(tmpdir(), 'redesk-patch-api-'));
    const shipped = join(tmp, 'shipped');
    const imported = join(tmp, 'imported');
    mkdirSync(shipped);
    cpSync(HANDBUILT, join(shipped, 'induction_handbuilt'), { recursive: true });
    await writeRandomModel(join(imported, 'tiny_random'));
    mkdirSync(join(imported, 'broken'));
    writeFileSync(join(imported, 'broken', 'model.json'), '{"format": "redesk-model/1"}');
    api = patchingApi({
      modelDirs: [shipped, imported],
      emit: (name, payload) => {
        if (name === 'patch.progress') {
          events.push(payload as PatchProgress);
          if ((payload as PatchProgress).jobId === 'cancel-me') void api.patchCancel('cancel-me');
        }
      },
      engine: { workerEntry: worker.entry, idleMs: 2000 },
    });
  });
  afterAll(() => {
    worker.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists shipped and imported models, with the reason a folder does not load', async () => {
    const list = await api.modelList();
    expect(list.map((m) => [m.id, m.source])).toEqual([
      ['induction_handbuilt', 'shipped'],
      ['broken', 'imported'],
      ['tiny_random', 'imported'],
    ]);
    expect(list[1]!.error?.code).toMatch(/^MODEL_/);
    expect(await api.modelTokenize('induction_handbuilt', 'a b  c')).toEqual({ ids: [0, 1, 2], tokens: ['a', 'b', 'c'] });
    await expect(api.patchSweep({ jobId: 'x', modelId: 'nope', pairs: [pair], metric: 'logit-diff' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(api.patchSweep({ jobId: 'x', modelId: 'broken', pairs: [pair], metric: 'logit-diff' })).rejects.toMatchObject({ code: expect.stringMatching(/^MODEL_/) });
  });

  it('sweeps in the worker with progress, giving the in-thread numbers', async () => {
    events.length = 0;
    // Two prompt lengths: two batched groups, one progress total announced up front.
    const pairs = [pair, { clean: 'c f i l o b e h c f i l o', corrupt: 'a d g j m p k n b d g j o', answers: ['b', 'a'] as [string, string] }];
    const r = await api.patchSweep({ jobId: 'job-1', modelId: 'induction_handbuilt', pairs, metric: 'logit-diff' });
    expect(r.provider).toBe('cpu');
    expect(r.modelId).toBe('induction_handbuilt');
    const mine = events.filter((e) => e.jobId === 'job-1');
    expect(mine.length).toBeGreaterThan(2);
    expect(mine.at(-1)!.done).toBe(mine.at(-1)!.total);
    expect(new Set(mine.map((e) => e.total)).size).toBe(1);
    mine.forEach((e, i) => expect(e.done).toBeGreaterThan(i === 0 ? 0 : mine[i - 1]!.done));
    const local = new PatchEngine(await loadModelDir(HANDBUILT), { inThread: true });
    const ref = await local.sweep({ pairs, metric: 'logit-diff' });
    await local.close();
    expect(r.cells).toEqual(ref.cells);
    expect([r.senders, r.receivers]).toEqual([ref.senders, ref.receivers]);
  });

  it('runs on the provider asked for where it is installed, and says it fell back to cpu where it is not', async () => {
    // Where the CUDA provider is not installed (CI), the run still happens, on cpu, and the result says so.
    const r = await api.patchSweep({ jobId: 'job-cuda', modelId: 'induction_handbuilt', pairs: [pair], metric: 'logit-diff', provider: 'cuda' });
    expect(r.provider).toBe(providerUnavailable('cuda') ? 'cpu' : 'cuda');
    const bad = { jobId: 'job-bad', modelId: 'induction_handbuilt', pairs: [pair], metric: 'logit-diff' as const, provider: 'tpu' as never };
    await expect(api.patchSweep(bad)).rejects.toMatchObject({ code: 'PATCH_BAD_REQUEST' });
  });

  it('explains, shows attention, and stops a cancelled job', async () => {
    const paths = [['embed', 'L0H0', 'L1H0.k', 'logits'], ['embed', 'L1H0.q', 'logits'], ['embed', 'L1H0.v', 'logits']];
    const ex = await api.patchExplain({ jobId: 'job-2', modelId: 'induction_handbuilt', pairs: [pair], metric: 'logit-diff', paths });
    expect(ex.proportionExplained).toBeGreaterThan(0.95);
    const att = await api.patchAttention('induction_handbuilt', 'a b c');
    expect(att.patterns[0]![0]![2]![1]).toBeGreaterThan(0.9);
    await expect(api.patchSweep({ jobId: 'cancel-me', modelId: 'tiny_random', pairs: [{ clean: 't1 t2 t3', corrupt: 't4 t5 t6', answers: ['t1', 't2'] }], metric: 'logit-diff' })).rejects.toMatchObject({
      code: 'PATCH_CANCELLED',
    });
    // The job id is free again, and the worker still serves.
    const again = await api.patchSweep({ jobId: 'cancel-me-2', modelId: 'tiny_random', pairs: [{ clean: 't1 t2 t3', corrupt: 't4 t5 t6', answers: ['t1', 't2'] }], metric: 'kl' });
    expect(again.clean).toBe(0);
    await expect(api.patchAttention('induction_handbuilt', Array(40).fill('a').join(' '))).rejects.toMatchObject({ code: 'PATCH_PROMPT_TOO_LONG' });
  });
});

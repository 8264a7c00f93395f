import { test } from 'vitest';
import { loadModelDir } from '../model';
import { PatchEngine } from './PatchEngine';
import { buildTestWorker } from './testKit';
test('quick', async () => {
  const w = await buildTestWorker();
  for (const inThread of [true, false]) {
    const e = new PatchEngine(await loadModelDir('/tmp/h1b/big'), { inThread, threads: 2, workerEntry: w.entry });
    const orig = e.runner.exec.run.bind(e.runner.exec);
    const log: string[] = [];
    e.runner.exec.run = async (part, feeds) => { const t = performance.now(); const r = await orig(part, feeds); log.push(`${part}[${Object.values(feeds)[0]!.dims[0]}] ${(performance.now() - t).toFixed(1)}`); return r; };
    const seg = Array.from({ length: 32 }, (_, i) => `t${(i * 7 + 3) % 32}`);
    const req = { pairs: [{ clean: [...seg, ...seg].join(' '), corrupt: Array.from({ length: 64 }, (_, i) => `t${(i * 13 + 5) % 32}`).join(' '), answers: ['t3', 't4'] as [string, string] }], metric: 'logit-diff' as const };
    for (let i = 0; i < 4; i++) { log.length = 0; const t = performance.now(); await e.sweep(req); console.log(inThread ? 'in-thread' : 'worker', (performance.now() - t).toFixed(0), log.join(', ')); }
    await e.close();
  }
  w.cleanup();
});

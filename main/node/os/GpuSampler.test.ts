import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../envs/commandRunner';
import { GpuSampler, type GpuRecord } from './GpuSampler';
import { parseApps, parseGpus } from './nvidiaSmi';

const ok = (stdout: string): CommandResult => ({ ok: true, code: 0, stdout, stderr: '' });
const notFound: CommandResult = { ok: false, code: null, stdout: '', stderr: '', failure: 'not-found' };

function kit(answer: (args: readonly string[]) => CommandResult) {
  const got: GpuRecord[] = [];
  const calls: string[][] = [];
  let fn: (() => void) | undefined;
  const run: CommandRunner = async (cmd, args) => {
    calls.push([cmd, ...args]);
    return answer(args);
  };
  const s = new GpuSampler((r) => got.push(r), {
    run,
    timers: { setInterval: (f) => ((fn = f), 1), clearInterval: () => (fn = undefined) },
  });
  return { s, got, calls, tick: () => fn?.(), ticking: () => fn !== undefined };
}

describe('GpuSampler', () => {
  it('samples utilisation, memory and processes with nvidia-smi', async () => {
    const k = kit((args) => (args[0]!.startsWith('--query-gpu') ? ok('0, 87, 40000, 81559\n1, 0, 3, 81559\n') : ok('4242, python train.py, 39990\n')));
    k.s.start();
    await k.s.poll();
    expect(k.calls[0]).toEqual(['nvidia-smi', '--query-gpu=index,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits']);
    expect(k.calls[1]).toEqual(['nvidia-smi', '--query-compute-apps=pid,process_name,used_memory', '--format=csv,noheader,nounits']);
    expect(k.got[0]).toEqual({
      available: true,
      gpus: [
        { index: 0, utilization: 87, memoryUsedMiB: 40000, memoryTotalMiB: 81559 },
        { index: 1, utilization: 0, memoryUsedMiB: 3, memoryTotalMiB: 81559 },
      ],
      processes: [{ pid: 4242, name: 'python train.py', memoryMiB: 39990 }],
    });
    k.tick();
    await k.s.poll();
    expect(k.got).toHaveLength(2);
    k.s.stop();
  });

  it('says once that there is no GPU where nvidia-smi is absent, and never runs it again', async () => {
    const k = kit(() => notFound);
    k.s.start();
    await k.s.poll();
    expect(k.got).toEqual([{ available: false, gpus: [], reason: 'nvidia-smi not found' }]);
    expect(k.ticking()).toBe(false);
    k.s.stop();
    k.s.start(); // resumed after a pause
    await k.s.poll().catch(() => undefined);
    expect(k.got).toHaveLength(1);
    expect(k.calls).toHaveLength(1);
  });

  it('reads fields a GPU does not report as 0 and names them', () => {
    expect(parseGpus('0, [N/A], 1024, 40960\n')).toEqual([{ index: 0, utilization: 0, memoryUsedMiB: 1024, memoryTotalMiB: 40960, na: ['utilization'] }]);
    expect(parseApps('No running processes found\n')).toEqual([]);
    expect(parseApps('17, /usr/bin/python3, a,b, [N/A]\n')).toEqual([{ pid: 17, name: '/usr/bin/python3, a,b', memoryMiB: 0, na: ['memoryMiB'] }]);
  });
});

import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnvSchema, type EnvSpec } from '../../common/envSchema';
import type { LoadedEnv } from '../contracts';
import type { CommandResult, CommandRunner } from './commandRunner';
import { loadEnvDir } from './loadEnvDir';
import { runPreflight, versionAtLeast } from './preflight';

const SMI_QUERY = 'NVIDIA H100 80GB HBM3, 81559, 550.54.15\nNVIDIA H100 80GB HBM3, 81559, 550.54.15\n';
const SMI_HEADER = '| NVIDIA-SMI 550.54.15    Driver Version: 550.54.15    CUDA Version: 12.4     |\n';
const ok = (stdout: string): CommandResult => ({ ok: true, code: 0, stdout, stderr: '' });
const missing: CommandResult = { ok: false, code: null, stdout: '', stderr: '', failure: 'not-found' };

/** A fake machine: what nvidia-smi and python answer. */
function machine(opts: { gpus?: boolean; python?: CommandResult }): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: CommandRunner = async (cmd, args) => {
    calls.push([cmd, ...args]);
    if (cmd === 'nvidia-smi') {
      if (!opts.gpus) return missing;
      return ok(args.length ? SMI_QUERY : SMI_HEADER);
    }
    return opts.python ?? missing;
  };
  return { run, calls };
}

const pythonAnswer = (packages: Record<string, { ok: boolean; version?: string; error?: string }>, version = '3.11.7') =>
  ok(`some import chatter\n${JSON.stringify({ version, packages })}\n`);

function envWith(overrides: Partial<Record<keyof EnvSpec, unknown>>): LoadedEnv {
  const spec = EnvSchema.parse({
    id: 'gpu_env',
    version: '1.0.0',
    title: 't',
    instructions: 'i.md',
    timeLimitMinutes: 10,
    pause: { allowed: false },
    starter: 's',
    scorer: { argv: ['x'] },
    score: { direction: 'min', aggregate: 'best', start: 2, reference: 1 },
    ...overrides,
  });
  return { spec, variant: 'default', dir: process.cwd(), envHash: '', scorerHash: '', instructionsMarkdown: '' };
}

const check = (report: Awaited<ReturnType<typeof runPreflight>>, name: string) => report.checks.find((c) => c.name === name)!;

describe('runPreflight', () => {
  let mini: LoadedEnv;
  beforeAll(async () => {
    mini = await loadEnvDir(fileURLToPath(new URL('../../../envs/prefix_sum_mini', import.meta.url)));
  });

  it('is READY for prefix_sum_mini on a CPU machine with python and numpy', async () => {
    const { run, calls } = machine({ python: pythonAnswer({ numpy: { ok: true, version: '2.4.6' } }) });
    const r = await runPreflight(mini, { run, python: 'py3' });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.ready).toBe(true);
    expect(r.envId).toBe('prefix_sum_mini');
    expect(check(r, 'GPUs')).toMatchObject({ ok: true, needed: 'none', found: 'none (nvidia-smi not found)' });
    expect(check(r, 'Python')).toMatchObject({ ok: true, found: 'py3 3.11.7', needed: '≥ 3.9' });
    expect(check(r, 'Python package numpy')).toMatchObject({ ok: true, found: 'numpy 2.4.6' });
    expect(r.machine).toMatchObject({ python: '3.11.7', gpus: [] });
    expect(r.machine.ramGiB).toBeCloseTo(totalmem() / 1024 ** 3, 0);
    // One python call checks the version and every package.
    expect(calls.filter((c) => c[0] === 'py3')).toEqual([['py3', '-c', expect.any(String), 'numpy']]);
  });

  it('is NOT READY without numpy, and says why', async () => {
    const { run } = machine({ python: pythonAnswer({ numpy: { ok: false, error: "ModuleNotFoundError: No module named 'numpy'" } }) });
    const r = await runPreflight(mini, { run });
    expect(r.ready).toBe(false);
    expect(check(r, 'Python package numpy')).toMatchObject({ ok: false, found: expect.stringContaining('No module named') });
  });

  it('is NOT READY with too old a python or none at all', async () => {
    const old = await runPreflight(mini, { run: machine({ python: pythonAnswer({ numpy: { ok: true } }, '3.8.10') }).run });
    expect(check(old, 'Python')).toMatchObject({ ok: false, found: expect.stringContaining('3.8.10') });
    const none = await runPreflight(mini, { run: machine({}).run, python: 'python9' });
    expect(none.ready).toBe(false);
    expect(check(none, 'Python')).toMatchObject({ ok: false, found: 'python9 not found' });
    expect(check(none, 'Python package numpy')).toMatchObject({ ok: false, found: 'python9 not found' });
  });

  it('reads GPUs, driver and CUDA from nvidia-smi and checks count and memory', async () => {
    const { run } = machine({ gpus: true });
    const fits = await runPreflight(envWith({ hardware: { gpus: 2, gpuMemoryGiB: 40 } }), { run });
    expect(fits.machine).toMatchObject({
      gpus: [
        { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
        { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
      ],
      driverVersion: '550.54.15',
      cudaVersion: '12.4',
    });
    expect(check(fits, 'GPUs')).toMatchObject({ ok: true, found: '2 × NVIDIA H100 80GB HBM3 (79.6 GiB); driver 550.54.15, CUDA 12.4' });
    const tooMany = await runPreflight(envWith({ hardware: { gpus: 4 } }), { run });
    expect(check(tooMany, 'GPUs')).toMatchObject({ ok: false, needed: '4' });
    const tooSmall = await runPreflight(envWith({ hardware: { gpus: 1, gpuMemoryGiB: 141 } }), { run });
    expect(tooSmall.ready).toBe(false);
  });

  it('parses what nvidia-smi printed on a real H200 machine (driver 580)', async () => {
    const run: CommandRunner = async (_cmd, args) =>
      ok(
        args.length
          ? 'NVIDIA H200, 143771, 580.159.04\n'
          : 'Mon Nov 30 00:58:45 2026       \n+-----------------------------------------------------------------------------------------+\n' +
              '| NVIDIA-SMI 580.159.04             Driver Version: 580.159.04     CUDA Version: 13.0     |\n',
      );
    const r = await runPreflight(envWith({ hardware: { gpus: 1, gpuMemoryGiB: 80 } }), { run });
    expect(r.machine).toMatchObject({ gpus: [{ name: 'NVIDIA H200', memoryMiB: 143771 }], driverVersion: '580.159.04', cudaVersion: '13.0' });
    expect(check(r, 'GPUs')).toMatchObject({ ok: true, found: '1 × NVIDIA H200 (140.4 GiB); driver 580.159.04, CUDA 13.0' });
  });

  it('fails the GPU check without nvidia-smi only when GPUs are needed', async () => {
    const r = await runPreflight(envWith({ hardware: { gpus: 1 } }), { run: machine({}).run });
    expect(check(r, 'GPUs')).toMatchObject({ ok: false, found: 'none (nvidia-smi not found)', needed: '1' });
  });

  it('checks CPU count, RAM, disk and commands against env.json', async () => {
    const env = envWith({ hardware: { cpus: 100000, ramGiB: 1e6, diskGiB: 1e9 }, software: { commands: ['sh', 'surely-not-a-command'] } });
    const r = await runPreflight(env, { run: machine({}).run, findCommand: async (c) => (c === 'sh' ? '/bin/sh' : undefined) });
    expect(check(r, 'CPU cores').ok).toBe(false);
    expect(check(r, 'RAM').ok).toBe(false);
    expect(check(r, 'Free disk').ok).toBe(false);
    expect(check(r, 'Command sh')).toMatchObject({ ok: true, found: '/bin/sh' });
    expect(check(r, 'Command surely-not-a-command')).toMatchObject({ ok: false, found: 'not on PATH' });
    // No python asked for, none run.
    expect(r.checks.some((c) => c.name === 'Python')).toBe(false);
  });

  it('runs against the real machine quickly enough to show on the home view', async () => {
    const r = await runPreflight(mini);
    expect(r.machine.cpus).toBeGreaterThan(0);
    expect(r.machine.freeDiskGiB).toBeGreaterThan(0);
    expect(check(r, 'Python').found).toMatch(/\d+\.\d+\.\d+/);
  });
});

describe('versionAtLeast', () => {
  it('compares part by part, numerically', () => {
    expect(versionAtLeast('3.11.7', '3.9')).toBe(true);
    expect(versionAtLeast('3.9.0', '3.9')).toBe(true);
    expect(versionAtLeast('3.8.18', '3.9')).toBe(false);
    expect(versionAtLeast('4.0.0', '3.12')).toBe(true);
  });
});

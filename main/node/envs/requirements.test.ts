import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttemptService } from '../attempts/AttemptService';
import { FakeClock, quietLogger, ShScorer, tmp } from '../attempts/testKit';
import type { CommandResult, CommandRunner } from './commandRunner';
import { EnvRegistry } from './EnvRegistry';
import { runPreflight, type PreflightOptions } from './preflight';
import { assertRequirementsMet, unmetRequirements } from './requirements';
import { writeTestEnv } from './testEnv';

const missing: CommandResult = { ok: false, code: null, stdout: '', stderr: '', failure: 'not-found' };
const json = (o: unknown): CommandResult => ({ ok: true, code: 0, stdout: JSON.stringify(o), stderr: '' });

/** A CPU-only machine (no nvidia-smi) whose one python has numpy but not torch. */
const cpuMachine: CommandRunner = async (cmd, args) => {
  if (cmd === 'nvidia-smi') return missing;
  const packages = Object.fromEntries(
    args.slice(2).map((n) => [n, n === 'numpy' ? { ok: true, version: '1.24' } : { ok: false, error: `ModuleNotFoundError: No module named '${n}'` }]),
  );
  return json({ version: '3.11.2', packages });
};
/** A GPU machine with one H100 and a python that has everything. */
const gpuMachine: CommandRunner = async (cmd, args) => {
  if (cmd === 'nvidia-smi') return { ok: true, code: 0, stdout: args.length ? 'NVIDIA H100, 81559, 550.54\n' : 'CUDA Version: 12.4\n', stderr: '' };
  return json({ version: '3.11.2', packages: Object.fromEntries(args.slice(2).map((n) => [n, { ok: true }])) });
};

let root: string;
let envDir: string;
beforeEach(async () => {
  root = await tmp('redesk-req-');
  envDir = join(root, 'envs', 'test_env');
  writeTestEnv(envDir, {
    software: { python: '3.9', pythonPackages: ['numpy'] },
    variants: {
      mini: { description: 'CPU' },
      full: {
        hardware: { gpus: 1, gpuMemoryGiB: 80 },
        software: { pythonPackages: ['numpy', 'torch'] },
        assets: [
          { path: 'assets/data.bin', sha256: '84ba19f79faacff0cfa1b992693129dfbb0e18da60c7df0f51bf9a562d1c28f6', size: 12 },
          { path: 'assets/model.safetensors', sha256: 'a'.repeat(64), size: 4, description: 'the model', obtain: 'https://example.org/model' },
          { path: 'assets/tokenizer.json', description: 'unpinned until the organizer has it' },
        ],
      },
    },
    defaultVariant: 'mini',
  });
});
afterEach(() => rm(root, { recursive: true, force: true }));

function service(run: CommandRunner, dataDir: string): AttemptService {
  const envs = new EnvRegistry({ dirs: [join(root, 'envs')] });
  const opts: PreflightOptions = { run, python: 'python3' };
  return new AttemptService({
    dataDir,
    envs,
    scorer: new ShScorer(),
    clock: new FakeClock(),
    logger: quietLogger,
    emit: () => {},
    mode: 'free',
    seal: false,
    preflight: (env) => runPreflight(env, opts),
  });
}

describe('refusing a variant whose hardware, packages or assets are missing', () => {
  it('refuses full on a CPU machine with ENV_REQUIREMENTS_UNMET naming each missing thing, and leaves no attempt', async () => {
    const dataDir = join(root, 'data');
    const svc = service(cpuMachine, dataDir);
    await svc.init();
    const err = await svc.start('test_env', { variant: 'full' }).then(() => undefined, (e) => e);
    expect(err).toMatchObject({ code: 'ENV_REQUIREMENTS_UNMET' });
    const msg = String(err.message);
    expect(msg).toContain('GPUs: needs 1 with ≥ 80 GiB each; found none (nvidia-smi not found)');
    expect(msg).toContain("Python package torch: needs importable; found not importable: ModuleNotFoundError: No module named 'torch'");
    expect(msg).toContain('Asset assets/model.safetensors: needs sha256 aaaaaaaaaaaa…, 4 bytes; found missing');
    expect(msg).toContain('Asset assets/tokenizer.json: needs present and pinned (sha256, size); found missing');
    // What is there is not listed.
    expect(msg).not.toContain('assets/data.bin');
    expect(msg).not.toContain('numpy');
    expect(readdirSync(join(dataDir, 'attempts'))).toEqual([]);
    // The mini variant starts on the same machine.
    await expect(svc.start('test_env', { variant: 'mini' })).resolves.toMatchObject({ state: 'running', variant: 'mini' });
    await svc.dispose();
  });

  it('starts full with force when things are missing, but never over an asset with a wrong hash', async () => {
    const dataDir = join(root, 'data');
    const svc = service(cpuMachine, dataDir);
    await svc.init();
    await expect(svc.start('test_env', { variant: 'full', force: true })).resolves.toMatchObject({ variant: 'full' });
    writeFileSync(join(envDir, 'assets', 'model.safetensors'), 'evil');
    const err = await svc.start('test_env', { variant: 'full', force: true }).then(() => undefined, (e) => e);
    expect(err).toMatchObject({ code: 'ENV_REQUIREMENTS_UNMET' });
    expect(err.message).toContain('Asset assets/model.safetensors: needs sha256 aaaaaaaaaaaa…, 4 bytes; found differs from env.json');
    // Only the unforceable problem is named when forcing.
    expect(err.message).not.toContain('GPUs');
    await svc.dispose();
  });

  it('starts full on a GPU machine once every asset is present and pinned', async () => {
    const report = async () => runPreflight(await new EnvRegistry({ dirs: [join(root, 'envs')] }).load('test_env', 'full', { assets: 'none' }), { run: gpuMachine, python: 'python3' });
    const before = await report();
    expect(unmetRequirements(before).map((u) => u.check.name)).toEqual(['Asset assets/model.safetensors', 'Asset assets/tokenizer.json']);
    writeFileSync(join(envDir, 'assets', 'model.safetensors'), 'good');
    writeFileSync(join(envDir, 'assets', 'tokenizer.json'), '{}');
    const unpinned = await report();
    expect(unmetRequirements(unpinned).map((u) => [u.check.name, u.check.found])).toEqual([
      ['Asset assets/model.safetensors', expect.stringContaining('differs from env.json')],
      ['Asset assets/tokenizer.json', expect.stringContaining('not pinned')],
    ]);
    expect(() => assertRequirementsMet(unpinned, 'full', true)).toThrow(/model\.safetensors/);
    expect(existsSync(join(envDir, 'assets', 'tokenizer.json'))).toBe(true);
  });

  it('does nothing without a report (no preflight configured)', () => {
    expect(() => assertRequirementsMet(undefined, 'full')).not.toThrow();
  });
});

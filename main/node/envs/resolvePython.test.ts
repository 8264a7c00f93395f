import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from './commandRunner';
import { describeMissing, pythonCandidates, PythonResolver } from './resolvePython';

const missing: CommandResult = { ok: false, code: null, stdout: '', stderr: '', failure: 'not-found' };

/** Fake interpreters: each has a version and a set of importable packages; others are not installed. */
function fakePythons(installed: Record<string, string[]>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (cmd, args) => {
    calls.push(cmd);
    const has = installed[cmd];
    if (!has) return missing;
    const packages = Object.fromEntries(
      args.slice(2).map((name) => [name, has.includes(name) ? { ok: true, version: '1.0' } : { ok: false, error: `ModuleNotFoundError: No module named '${name}'` }]),
    );
    return { ok: true, code: 0, stdout: JSON.stringify({ version: '3.11.2', packages }) + '\n', stderr: '' };
  };
  return { run, calls };
}

describe('pythonCandidates', () => {
  it('tries REDESK_PYTHON, then python3 from PATH, then /usr/bin/python3, without duplicates', () => {
    expect(pythonCandidates({ REDESK_PYTHON: '/opt/py/bin/python' })).toEqual(['/opt/py/bin/python', 'python3', '/usr/bin/python3']);
    expect(pythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
    expect(pythonCandidates({ REDESK_PYTHON: 'python3' })).toEqual(['python3', '/usr/bin/python3']);
  });
});

describe('PythonResolver', () => {
  it('picks the first candidate that imports every package (PATH python3 has numpy only, /usr/bin/python3 has torch)', async () => {
    const { run } = fakePythons({ python3: ['numpy'], '/usr/bin/python3': ['numpy', 'torch'] });
    const r = new PythonResolver({ run, candidates: ['python3', '/usr/bin/python3'] });
    const torch = await r.resolve(['numpy', 'torch']);
    expect(torch).toMatchObject({ python: '/usr/bin/python3', ok: true });
    const numpy = await r.resolve(['numpy']);
    expect(numpy).toMatchObject({ python: 'python3', ok: true });
  });

  it('probes once per package list, whatever its order', async () => {
    const { run, calls } = fakePythons({ python3: ['numpy', 'torch'] });
    const r = new PythonResolver({ run, candidates: ['python3'] });
    await r.resolve(['torch', 'numpy']);
    await r.resolve(['numpy', 'torch']);
    await r.resolve(['numpy', 'torch', 'numpy']);
    expect(calls).toEqual(['python3']);
    r.clear();
    await r.resolve(['numpy', 'torch']);
    expect(calls).toEqual(['python3', 'python3']);
  });

  it('when none has everything: uses the one that has the most (torch without triton beats numpy alone)', async () => {
    const { run } = fakePythons({ python3: ['numpy'], '/usr/bin/python3': ['numpy', 'torch'] });
    const r = new PythonResolver({ run, candidates: ['python3', '/usr/bin/python3'] });
    const res = await r.resolve(['numpy', 'torch', 'triton']);
    expect(res).toMatchObject({ python: '/usr/bin/python3', ok: false });
  });

  it('when none has everything: falls back to the first that runs and names what each candidate lacks', async () => {
    const { run } = fakePythons({ python3: ['numpy'], '/usr/bin/python3': [] });
    const r = new PythonResolver({ run, candidates: ['/opt/none/python', 'python3', '/usr/bin/python3'] });
    const res = await r.resolve(['numpy', 'torch']);
    expect(res.ok).toBe(false);
    expect(res.python).toBe('python3');
    expect(res.probes.map((p) => p.python)).toEqual(['/opt/none/python', 'python3', '/usr/bin/python3']);
    expect(describeMissing(res, ['numpy', 'torch'])).toBe('/opt/none/python not found; python3 3.11.2 lacks torch; /usr/bin/python3 3.11.2 lacks numpy, torch');
  });

  it('resolves a real interpreter on this machine', async () => {
    const res = await new PythonResolver().resolve(['json']);
    expect(res.ok).toBe(true);
    expect(res.probe.version).toMatch(/^3\.\d+\.\d+$/);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvSchema } from '../../common/envSchema';
import type { LoadedEnv, ScorerRunOptions } from '../contracts';
import type { CommandRunner } from '../envs/commandRunner';
import { defaultPythonPath, PythonResolver } from '../envs/resolvePython';
import { ScorerRunner } from './ScorerRunner';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'redesk-scorer-py-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function fixture(code: string, pythonPackages: string[] = []): ScorerRunOptions {
  const envDir = join(root, 'env');
  mkdirSync(join(envDir, 'scorer'), { recursive: true });
  writeFileSync(join(envDir, 'scorer', 'score.py'), code);
  const spec = EnvSchema.parse({
    id: 'fixture',
    version: '1.0.0',
    title: 'fixture',
    instructions: 'i.md',
    timeLimitMinutes: 10,
    pause: { allowed: false },
    starter: 'starter',
    software: { pythonPackages },
    scorer: { argv: ['{python}', 'scorer/score.py'], timeoutSeconds: 20 },
    score: { direction: 'max', aggregate: 'best', start: 0, reference: 1 },
  });
  const env: LoadedEnv = { spec, variant: 'default', dir: envDir, envHash: 'x', scorerHash: 'y', instructionsMarkdown: '' };
  const workspaceDir = join(root, 'attempt', 'workspace');
  mkdirSync(workspaceDir, { recursive: true });
  return { env, workspaceDir, cacheDir: join(root, 'attempt', 'cache'), scratchDir: join(root, 'attempt', 'scratch') };
}

describe('ScorerRunner and Python', () => {
  it('puts the shared kit folders first on PYTHONPATH, keeping the host one after them', async () => {
    const kit = join(root, 'kit');
    mkdirSync(join(kit, 'mykit'), { recursive: true });
    writeFileSync(join(kit, 'mykit', '__init__.py'), 'VALUE = 0.75\n');
    const opts = fixture('import json, os, mykit\nprint(json.dumps({"score": mykit.VALUE, "message": os.environ["PYTHONPATH"]}))\n');
    const old = process.env.PYTHONPATH;
    process.env.PYTHONPATH = '/host/lib';
    try {
      const r = await new ScorerRunner({ pythonPath: [kit], killGraceMs: 200 }).run(opts);
      expect(r.score).toBe(0.75);
      expect(r.message).toBe(`${kit}:/host/lib`);
    } finally {
      if (old === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = old;
    }
  });

  it('defaults PYTHONPATH to resources/python of the package, where redesk_envkit lives', () => {
    expect(defaultPythonPath()[0]).toMatch(/resources[\\/]python$/);
  });

  it('runs {python} as the interpreter the resolver picked for the env packages', async () => {
    const asked: string[][] = [];
    // python3 "lacks" the package; the resolver should pick the second candidate, the real interpreter by full path.
    const run: CommandRunner = async (cmd, args) => {
      asked.push([cmd, ...args.slice(2)]);
      const ok = cmd !== 'python3';
      const packages = { json: ok ? { ok: true } : { ok: false, error: 'ModuleNotFoundError' } };
      return { ok: true, code: 0, stdout: JSON.stringify({ version: '3.11.0', packages }), stderr: '' };
    };
    const real = '/usr/bin/python3';
    const resolver = new PythonResolver({ run, candidates: ['python3', real] });
    const opts = fixture('import json, sys\nprint(json.dumps({"score": 1, "message": sys.executable}))\n', ['json']);
    const r = await new ScorerRunner({ resolver, killGraceMs: 200 }).run(opts);
    expect(r.score).toBe(1);
    expect(r.message).toBe(real);
    expect(asked).toEqual([
      ['python3', 'json'],
      [real, 'json'],
    ]);
  });
});

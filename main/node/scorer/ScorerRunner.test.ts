import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvSchema, type EnvInput } from '../../common/envSchema';
import type { LoadedEnv, ScorerRunOptions } from '../contracts';
import { ScorerRunner } from './ScorerRunner';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'redesk-scorer-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An environment whose scorer is `code` (Python), with attempt folders beside it. */
function fixture(code: string, scorer: Partial<EnvInput['scorer']> = {}): ScorerRunOptions {
  const envDir = join(root, 'env');
  mkdirSync(join(envDir, 'scorer'), { recursive: true });
  writeFileSync(join(envDir, 'scorer', 'score.py'), code);
  const spec = EnvSchema.parse({
    id: 'fixture',
    version: '1.0.0',
    title: 'fixture',
    instructions: 'instructions.md',
    timeLimitMinutes: 10,
    pause: { allowed: false },
    starter: 'starter',
    scorer: { argv: ['{python}', 'scorer/score.py', '{workspace}', '{cacheDir}', '{envDir}'], timeoutSeconds: 20, ...scorer },
    score: { direction: 'max', aggregate: 'best', baseline: 'calibrated' },
  });
  const env: LoadedEnv = { spec, variant: 'default', dir: envDir, envHash: 'x', scorerHash: 'y', instructionsMarkdown: '' };
  const workspaceDir = join(root, 'attempt', 'workspace');
  mkdirSync(workspaceDir, { recursive: true });
  writeFileSync(join(workspaceDir, 'solution.txt'), 'forty-two');
  return { env, workspaceDir, cacheDir: join(root, 'attempt', 'cache'), scratchDir: join(root, 'attempt', 'scratch') };
}

const runner = (o: ConstructorParameters<typeof ScorerRunner>[0] = {}) => new ScorerRunner({ killGraceMs: 200, ...o });

/** Alive and not a zombie waiting for its reaper. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('ScorerRunner', () => {
  it('scores a copy of the workspace with placeholders filled and returns the last JSON line', async () => {
    const opts = fixture(`
import json, os, sys
ws, cache, env_dir = sys.argv[1:4]
print("warming up")
open(os.path.join(ws, "scribble.txt"), "w").write("scorer was here")
print(json.dumps({"score": 1.5, "message": "ok", "details": {
    "read": open(os.path.join(ws, "solution.txt")).read(), "ws": ws, "cache": cache, "envDir": env_dir,
    "cwd": os.getcwd(), "cacheExists": os.path.isdir(cache), "baseline": {"start": 3.0, "reference": 1.0}}}))
`);
    const r = await runner().run(opts);
    expect(r.errorCode).toBeUndefined();
    expect(r.score).toBe(1.5);
    expect(r.message).toBe('ok');
    expect(r.baseline).toEqual({ start: 3, reference: 1 });
    expect(r.details.read).toBe('forty-two');
    expect(r.details.ws).toBe(join(opts.scratchDir, 'workspace'));
    expect(r.details.cache).toBe(opts.cacheDir);
    expect(r.details.envDir).toBe(opts.env.dir);
    expect(r.details.cwd).toBe(opts.env.dir);
    expect(r.details.cacheExists).toBe(true);
    // The live workspace is untouched and the scratch copy is gone.
    expect(existsSync(join(opts.workspaceDir, 'scribble.txt'))).toBe(false);
    expect(existsSync(opts.scratchDir)).toBe(false);
  });

  it('scores the workspace itself when workspaceView is direct', async () => {
    const opts = fixture(`import json, sys\nprint(json.dumps({"score": None, "message": "invalid", "details": {"ws": sys.argv[1]}}))`, {
      workspaceView: 'direct',
    });
    const r = await runner().run(opts);
    expect(r).toMatchObject({ score: null, message: 'invalid', details: { ws: opts.workspaceDir } });
    // A judged-invalid solution is the scorer's verdict, not a scorer failure.
    expect(r.errorCode).toBeUndefined();
  });

  it('keeps a JSON verdict printed before a non-zero exit', async () => {
    const r = await runner().run(fixture(`import json, sys\nprint(json.dumps({"score": 2}))\nsys.exit(3)`));
    expect(r).toMatchObject({ score: 2, message: '', details: {} });
    expect(r.errorCode).toBeUndefined();
  });

  it('reports a crash with the end of stderr', async () => {
    const r = await runner().run(fixture(`print("partial")\nraise ValueError("boom in the scorer")`));
    expect(r.score).toBeNull();
    expect(r.errorCode).toBe('SCORER_CRASHED');
    expect(r.message).toContain('exit code 1');
    expect(r.message).toContain('ValueError: boom in the scorer');
  });

  it('reports an interpreter that does not exist as a crash', async () => {
    const r = await runner({ python: join(root, 'no-such-python') }).run(fixture('print(1)'));
    expect(r.score).toBeNull();
    expect(r.errorCode).toBe('SCORER_CRASHED');
    expect(r.message).toContain('no-such-python');
  });

  it('stops a hanging scorer at its timeout, with the processes it started', async () => {
    const opts = fixture(
      `
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # ignoring SIGTERM must not save it
child = subprocess.Popen(["sleep", "120"])
open(os.path.join(sys.argv[2], "child.pid"), "w").write(str(child.pid))
print("started", flush=True)
time.sleep(120)
`,
      { timeoutSeconds: 1 },
    );
    const r = await runner().run(opts);
    expect(r.score).toBeNull();
    expect(r.errorCode).toBe('SCORER_TIMEOUT');
    expect(r.message).toContain('1 s limit');
    const childPid = Number(readFileSync(join(opts.cacheDir, 'child.pid'), 'utf8'));
    expect(isAlive(childPid)).toBe(false);
  });

  it.each([
    ['plain text', 'print("score: 0.5")'],
    ['a score that is not a number', 'print(\'{"score": "high"}\')'],
    ['NaN', 'import json\nprint(json.dumps({"score": float("nan")}))'],
    ['no score field', 'print(\'{"message": "done"}\')'],
    ['nothing', 'pass'],
  ])('reports %s as bad output', async (_, code) => {
    const r = await runner().run(fixture(code));
    expect(r.score).toBeNull();
    expect(r.errorCode).toBe('SCORER_BAD_OUTPUT');
    expect(r.message).toMatch(/not a result/);
  });

  it('stops endless output at the cap', async () => {
    const r = await runner({ maxOutputBytes: 256 * 1024 }).run(
      fixture(`import sys\nwhile True:\n    sys.stdout.write("x" * 65536)\n    sys.stdout.flush()`),
    );
    expect(r.score).toBeNull();
    expect(r.errorCode).toBe('SCORER_OUTPUT_TOO_LARGE');
    expect(r.message).toContain('262144 bytes');
  });

  it.each([
    ['prlimit', undefined],
    ['ulimit', null],
  ] as const)('reports a memory hog under memoryMiB as out of memory (%s)', async (_, prlimit) => {
    const r = await runner({ prlimit }).run(fixture(`b = bytearray(1 << 30)\nprint('{"score": 1}')`, { memoryMiB: 200 }));
    expect(r.score).toBeNull();
    expect(r.errorCode).toBe('SCORER_OUT_OF_MEMORY');
    expect(r.message).toContain('200 MiB');
    expect(r.message).toContain('MemoryError');
  });

  it('reports a scorer killed by SIGKILL (the OOM killer) as out of memory', async () => {
    const r = await runner().run(fixture(`import os, signal\nos.kill(os.getpid(), signal.SIGKILL)`));
    expect(r.errorCode).toBe('SCORER_OUT_OF_MEMORY');
  });

  it('is stopped by its AbortSignal and rejects with AbortError', async () => {
    const opts = fixture(`import time\ntime.sleep(120)`);
    const ac = new AbortController();
    const pending = runner().run({ ...opts, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(opts.scratchDir)).toBe(false);
  });

  it('gives a null score, not an exception, when the workspace is too large to copy', async () => {
    const opts = fixture('print(\'{"score": 1}\')');
    writeFileSync(join(opts.workspaceDir, 'big.bin'), Buffer.alloc(64 * 1024));
    const r = await runner({ maxCopyBytes: 1024 }).run(opts);
    expect(r.score).toBeNull();
    expect(r.errorCode).toBe('FILE_TOO_LARGE');
    expect(r.message).toContain('big.bin');
  });

  it('refuses a scratch folder that holds the workspace, which it would delete', async () => {
    const opts = fixture('print(\'{"score": 1}\')');
    await expect(runner().run({ ...opts, scratchDir: join(root, 'attempt') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(existsSync(opts.workspaceDir)).toBe(true);
  });
});

describe('ScorerRunner with escaped children', () => {
  it('returns once the scorer exits even if a child that left its process group holds stdout open', async () => {
    const opts = fixture(`
import json, os, subprocess, sys
child = subprocess.Popen(["sleep", "120"], start_new_session=True)
open(os.path.join(sys.argv[2], "child.pid"), "w").write(str(child.pid))
print(json.dumps({"score": 1}), flush=True)
`);
    const r = await runner().run(opts);
    expect(r.score).toBe(1);
    process.kill(Number(readFileSync(join(opts.cacheDir, 'child.pid'), 'utf8')), 'SIGKILL');
  });
});

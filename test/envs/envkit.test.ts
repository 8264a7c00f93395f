import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvAttempt, REPO, SYSTEM_PYTHON } from './envScoring';

/**
 * redesk_envkit's guard, through a small environment whose scorer runs the workspace's solution.py with
 * run_solution and scores 1 when it ran cleanly: every way out of the workspace must come back as
 * score null + SANDBOX_VIOLATION, and an honest solution must still run.
 */
const SCORER = `
import os, sys
from redesk_envkit import emit, invalid, run_solution, run_problem
ws = sys.argv[1]
run = run_solution(ws, [os.path.join(ws, "solution.py")], timeout=60)
problem = run_problem(run, "solution.py")
if problem:
    invalid(problem[0], problem[1], {"violations": run.violations})
else:
    emit(1.0, "ran cleanly", {"stdout": run.stdout})
`;

const ENV_JSON = {
  id: 'guard_fixture',
  version: '1.0.0',
  title: 'guard fixture',
  instructions: 'instructions.md',
  timeLimitMinutes: 10,
  pause: { allowed: false },
  starter: 'starter',
  scorer: { argv: ['{python}', 'scorer/score.py', '{workspace}'], timeoutSeconds: 120 },
  score: { direction: 'max', aggregate: 'best', start: 0, reference: 1 },
};

let root: string;
let attempt: EnvAttempt;
const outside = () => join(root, 'outside.txt');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'redesk-envkit-'));
  const env = join(root, 'env');
  for (const d of ['scorer', 'starter', 'reference']) mkdirSync(join(env, d), { recursive: true });
  writeFileSync(join(env, 'env.json'), JSON.stringify(ENV_JSON));
  writeFileSync(join(env, 'instructions.md'), '# fixture\n');
  writeFileSync(join(env, 'scorer', 'score.py'), SCORER);
  writeFileSync(join(env, 'reference', 'solution.py'), 'ANSWER = 42\n');
  writeFileSync(join(env, 'starter', 'solution.py'), 'print("hello")\n');
  attempt = await EnvAttempt.open(env);
});
afterAll(() => {
  attempt?.close();
  rmSync(root, { recursive: true, force: true });
});

async function scoreWith(code: string) {
  attempt.put('solution.py', { text: code });
  return attempt.score();
}

// Each cheat swallows the guard's PermissionError, as a solution trying to hide would.
const cheats: [string, string, RegExp][] = [
  [
    'reads the reference solution',
    'import os\ntry:\n    print(open(os.path.join(os.environ["REDESK_ENV_DIR"], "reference", "solution.py")).read())\nexcept Exception:\n    pass\n',
    /reading .*reference\/solution\.py is not allowed/,
  ],
  [
    'imports the reference solution',
    'import os, sys\nsys.path.insert(0, os.path.join(os.environ["REDESK_ENV_DIR"], "reference"))\ntry:\n    import solution as s2\nexcept Exception:\n    pass\n',
    /reading .*reference is not allowed/,
  ],
  ['writes ../escape.txt', 'try:\n    open("../escape.txt", "w").write("x")\nexcept Exception:\n    pass\n', /writing .*escape\.txt is not allowed/],
  ['writes an absolute path outside', `try:\n    open(${JSON.stringify('OUTSIDE')}, "a").write("x")\nexcept Exception:\n    pass\n`, /writing .*outside\.txt is not allowed/],
  ['loads ctypes', 'try:\n    import ctypes\n    ctypes.CDLL(None).system(b"true")\nexcept Exception:\n    pass\n', /ctypes/],
  ['spawns cat', 'import subprocess\ntry:\n    subprocess.run(["cat", "/etc/hostname"])\nexcept Exception:\n    pass\n', /starting a process is not allowed .*cat/],
  ['calls os.system', 'import os\ntry:\n    os.system("cat /etc/hostname")\nexcept Exception:\n    pass\n', /os\.system/],
];

describe('redesk_envkit.run_solution guard', () => {
  it('runs an honest solution that writes in its workspace and temp dir', { timeout: 60_000 }, async () => {
    const r = await scoreWith(
      'import numpy as np, tempfile\nopen("notes.txt", "w").write(str(int(np.arange(4).sum())))\n' +
        'with tempfile.NamedTemporaryFile() as f:\n    f.write(b"x")\nprint("sum", open("notes.txt").read())\n',
    );
    expect(r.errorCode, r.message).toBeUndefined();
    expect(r.score).toBe(1);
    expect(r.details.stdout).toContain('sum 6');
  });

  for (const [name, code, why] of cheats) {
    it(`catches a solution that ${name}`, { timeout: 60_000 }, async () => {
      const r = await scoreWith(code.replace('OUTSIDE', outside()));
      expect(r.score).toBeNull();
      expect(r.details.code).toBe('SANDBOX_VIOLATION');
      expect(r.message).toMatch(why);
    });
  }

  it('left nothing outside the workspace', () => {
    expect(existsSync(outside())).toBe(false);
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
  });

  it('kills a solution that runs past its timeout, with its process group', { timeout: 60_000 }, () => {
    const out = execFileSync(
      SYSTEM_PYTHON,
      [
        '-c',
        'import sys, redesk_envkit as k\nr = k.run_solution(sys.argv[1], ["-c", "import time; time.sleep(60)"], timeout=2)\n' +
          'print(r.timed_out, k.run_problem(r)[1], round(r.seconds))',
        root,
      ],
      { env: { ...process.env, PYTHONPATH: join(REPO, 'resources', 'python') }, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('True TIMEOUT 2');
  });

  it('answers a guarded solution through a harness service: concurrent calls matched, a refused request an error, no service outside', { timeout: 60_000 }, () => {
    const child =
      'from concurrent.futures import ThreadPoolExecutor\nfrom redesk_envkit import service\n' +
      'with ThreadPoolExecutor(8) as p:\n    got = list(p.map(lambda i: service.call({"n": i})["square"], range(40)))\n' +
      'assert got == [i * i for i in range(40)], got\n' +
      'try:\n    service.call({"n": "x"})\nexcept service.ServiceError as e:\n    print("refused:", e)\n';
    const out = execFileSync(
      SYSTEM_PYTHON,
      [
        '-c',
        'import sys, redesk_envkit as k\nfrom redesk_envkit import service\n' +
          'def square(req):\n    if not isinstance(req["n"], int):\n        raise ValueError("n must be an integer")\n    return {"square": req["n"] ** 2}\n' +
          `r = k.run_solution(sys.argv[1], ["-c", ${JSON.stringify(child)}], timeout=30, service=square)\n` +
          'print(r.returncode, r.violation, r.stdout.strip(), r.stderr_tail())\n' +
          'try:\n    service.call({})\nexcept service.ServiceError as e:\n    print("outside:", e)',
        root,
      ],
      { env: { ...process.env, PYTHONPATH: join(REPO, 'resources', 'python') }, encoding: 'utf8' },
    );
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('0 None refused: ValueError: n must be an integer ');
    expect(lines[1]).toMatch(/^outside: no service/);
  });

  it('calibrated_baseline measures once per cache folder and reuses the result', { timeout: 30_000 }, () => {
    const cache = join(root, 'cal');
    const code =
      'import sys, redesk_envkit as k\ncalls = []\n' +
      'def m(v):\n    calls.append(v)\n    return v\n' +
      'a = k.calibrated_baseline(sys.argv[1], "t1", lambda: m(3.0), lambda: m(1.0))\nn1 = k.calibrated_baseline.measured_now\n' +
      'b = k.calibrated_baseline(sys.argv[1], "t1", lambda: m(9.0), lambda: m(9.0))\n' +
      'print(a == b == {"start": 3.0, "reference": 1.0}, n1, k.calibrated_baseline.measured_now, calls)';
    const out = execFileSync(SYSTEM_PYTHON, ['-c', code, cache], {
      env: { ...process.env, PYTHONPATH: join(REPO, 'resources', 'python') },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('True True False [3.0, 1.0]');
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A small valid environment written to `dir`, with env.json fields overridable; for tests in this folder. */
export function writeTestEnv(dir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const files: Record<string, string> = {
    'instructions.md': '# Do the thing\n',
    'starter/solution.py': 'def f():\n    return 1\n',
    'scorer/score.py': 'print(\'{"score": 1}\')\n',
    'assets/data.bin': 'hello asset\n',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  const spec = {
    id: 'test_env',
    version: '1.2.3',
    title: 'Test environment',
    instructions: 'instructions.md',
    timeLimitMinutes: 30,
    pause: { allowed: false },
    starter: 'starter',
    scorer: { argv: ['{python}', 'scorer/score.py', '{workspace}'], timeoutSeconds: 10 },
    score: { direction: 'min', aggregate: 'best', start: 2, reference: 1 },
    assets: [
      // sha256 of "hello asset\n"
      { path: 'assets/data.bin', sha256: '84ba19f79faacff0cfa1b992693129dfbb0e18da60c7df0f51bf9a562d1c28f6', size: 12 },
    ],
    variants: { full: { timeLimitMinutes: 480 }, mini: { timeLimitMinutes: 30, hardware: { cpus: 1 } } },
    defaultVariant: 'mini',
    ...overrides,
  };
  writeFileSync(join(dir, 'env.json'), JSON.stringify(spec, null, 2));
  return spec;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvSource, Scorer } from '../contracts';
import { rescoreBundle } from './rescoreBundle';
import { sealAttempt } from './sealAttempt';
import { keyPair, makeAttempt, tempRoot, testEnv, writeAllowedSigners } from './testKit';

const expert = keyPair();
let root: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await tempRoot('redesk-rescore-test-');
});
afterAll(() => root.cleanup());

/** Scores 4 when the workspace holds the sealed solution; records what it saw. */
function fakeScorer(seen: string[]): Scorer {
  return {
    run: async ({ workspaceDir }) => {
      seen.push(await readFile(join(workspaceDir, 'solution.py'), 'utf8'));
      return { score: 4, message: 'ok', details: {}, durationMs: 1 };
    },
  };
}

function envsWith(env = testEnv()): EnvSource {
  return { list: async () => [], get: async () => ({}) as never, load: async () => env };
}

describe('rescoreBundle', () => {
  it('scores the sealed submission and reports it beside the sealed score', async () => {
    const dir = await makeAttempt(join(root.dir, 'a'), { expert, files: { 'solution.py': 'fast = True\n', 'huge.bin': Buffer.alloc(2048) } });
    const { file } = await sealAttempt(dir, { expertKey: expert, env: testEnv({ maxFileBytes: 1024 }), appVersion: '1' });
    const signers = join(root.dir, 'signers');
    await writeAllowedSigners(signers, [['e', expert.publicKey]]);
    const seen: string[] = [];
    const r = await rescoreBundle(file, { envs: envsWith(), scorer: fakeScorer(seen), allowedSigners: signers });
    expect(seen).toEqual(['fast = True\n']);
    expect(r).toMatchObject({
      sealed: { final: 5, normalized: 0.625 },
      rescored: { score: 4, normalized: 0.75, baseline: { start: 10, reference: 2, source: 'fixed' } },
      env: { id: 'toy_env', version: '1.0.0' },
    });
    expect(r.warnings.join('\n')).toMatch(/huge\.bin/);
  });

  it('warns when the scorer here is not the one sealed, and refuses a bundle that does not verify', async () => {
    const dir = await makeAttempt(join(root.dir, 'b'), { expert });
    const { file } = await sealAttempt(dir, { expertKey: expert, appVersion: '1' });
    const changed = { ...testEnv(), scorerHash: '1'.repeat(64) };
    const r = await rescoreBundle(file, { envs: envsWith(changed), scorer: fakeScorer([]) });
    expect(r.warnings.join('\n')).toMatch(/scorer's hash differs/);
    const strangers = join(root.dir, 'strangers');
    await writeAllowedSigners(strangers, [['x', keyPair().publicKey]]);
    await expect(rescoreBundle(file, { envs: envsWith(), scorer: fakeScorer([]), allowedSigners: strangers })).rejects.toMatchObject({ code: 'BUNDLE_SIGNER_UNKNOWN' });
  });
});

import { appendFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttemptService } from '../attempts/AttemptService';
import { FakeClock, quietLogger, tmp } from '../attempts/testKit';
import { EnvRegistry } from '../envs/EnvRegistry';
import { writeTestEnv } from '../envs/testEnv';
import { ScorerRunner } from './ScorerRunner';

let root: string;
beforeEach(async () => {
  root = await tmp('redesk-tamper-');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('a scorer edited during an attempt', () => {
  it('is refused with SCORER_TAMPERED before it runs, and accepted again once restored', async () => {
    const envDir = join(root, 'envs', 'test_env');
    writeTestEnv(envDir);
    const original = 'print(\'{"score": 1}\')\n';
    const svc = new AttemptService({
      dataDir: join(root, 'data'),
      envs: new EnvRegistry({ dirs: [join(root, 'envs')] }),
      scorer: new ScorerRunner({ logger: quietLogger, killGraceMs: 200 }),
      clock: new FakeClock(),
      logger: quietLogger,
      emit: () => {},
      mode: 'free',
      seal: false,
    });
    await svc.init();
    const a = await svc.start('test_env');
    expect(await svc.score(a.id)).toMatchObject({ n: 1, score: 1 });

    // From the workspace's terminal: make the scorer report a perfect score.
    writeFileSync(join(envDir, 'scorer', 'score.py'), 'print(\'{"score": 0}\')\n');
    const tampered = await svc.score(a.id);
    expect(tampered).toMatchObject({ n: 2, score: null, errorCode: 'SCORER_TAMPERED' });
    expect(tampered.message).toContain('changed since the attempt started');

    // Even a comment counts: the hash covers every scorer file byte.
    writeFileSync(join(envDir, 'scorer', 'score.py'), original);
    appendFileSync(join(envDir, 'scorer', 'score.py'), '# harmless?\n');
    expect(await svc.score(a.id)).toMatchObject({ n: 3, score: null, errorCode: 'SCORER_TAMPERED' });

    writeFileSync(join(envDir, 'scorer', 'score.py'), original);
    expect(await svc.score(a.id)).toMatchObject({ n: 4, score: 1 });
    await svc.dispose();
  });
});

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvRegistry } from './EnvRegistry';
import { writeTestEnv } from './testEnv';

const SHIPPED = fileURLToPath(new URL('../../../envs', import.meta.url));
let root: string;
let bundled: string;
let imported: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'redesk-registry-'));
  bundled = join(root, 'bundled');
  imported = join(root, 'imported');
  writeTestEnv(join(bundled, 'test_env'));
  writeTestEnv(join(bundled, 'broken'), { id: 'broken_env', timeLimitMinutes: 'long' });
  mkdirSync(join(bundled, 'not_an_env'));
  writeTestEnv(join(imported, 'alpha'), { id: 'alpha', defaultVariant: undefined, variants: {} });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('EnvRegistry', () => {
  it('lists every environment folder sorted by id, broken ones with their error', async () => {
    const reg = new EnvRegistry({ dirs: [bundled, imported, join(root, 'absent')] });
    const list = await reg.list();
    expect(list.map((e) => e.id)).toEqual(['alpha', 'broken', 'test_env']);
    const [alpha, broken, test] = list;
    expect(alpha).toMatchObject({ variants: ['default'], defaultVariant: 'default', dir: join(imported, 'alpha') });
    expect(alpha!.error).toBeUndefined();
    expect(test).toMatchObject({ version: '1.2.3', title: 'Test environment', variants: ['full', 'mini'], defaultVariant: 'mini' });
    expect(broken!.error).toMatchObject({ code: 'ENV_INVALID', issues: [expect.stringContaining('timeLimitMinutes')] });
  });

  it('gets one with its instructions and hash', async () => {
    const detail = await new EnvRegistry({ dirs: [bundled] }).get('test_env');
    expect(detail.instructionsMarkdown).toBe('# Do the thing\n');
    expect(detail.envHash).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.timeLimitMinutes).toBe(30);
  });

  it('loads a variant, verifying assets', async () => {
    const reg = new EnvRegistry({ dirs: [bundled] });
    expect((await reg.load('test_env', 'full')).spec.timeLimitMinutes).toBe(480);
    writeFileSync(join(bundled, 'test_env', 'assets', 'data.bin'), 'HELLO asset\n');
    await expect(reg.load('test_env')).rejects.toMatchObject({ code: 'ENV_ASSET_HASH_MISMATCH' });
  });

  it('names the known ids when asked for an unknown one', async () => {
    const reg = new EnvRegistry({ dirs: [bundled, imported] });
    await expect(reg.get('nope')).rejects.toMatchObject({ code: 'ENV_NOT_FOUND', message: expect.stringContaining('alpha, broken, test_env') });
    await expect(reg.load('nope')).rejects.toMatchObject({ code: 'ENV_NOT_FOUND' });
  });

  it('uses the first folder for a duplicated id and lists the other as shadowed', async () => {
    cpSync(join(bundled, 'test_env'), join(imported, 'copy'), { recursive: true });
    const reg = new EnvRegistry({ dirs: [bundled, imported] });
    const dupes = (await reg.list()).filter((e) => e.id === 'test_env');
    expect(dupes).toHaveLength(2);
    expect(dupes.find((e) => e.dir === join(bundled, 'test_env'))!.error).toBeUndefined();
    expect(dupes.find((e) => e.dir === join(imported, 'copy'))!.error?.message).toContain(join(bundled, 'test_env'));
    expect((await reg.load('test_env')).dir).toBe(join(bundled, 'test_env'));
  });

  it('sees an environment added after it was made', async () => {
    const reg = new EnvRegistry({ dirs: [imported] });
    expect((await reg.list()).map((e) => e.id)).toEqual(['alpha']);
    writeTestEnv(join(imported, 'later'), { id: 'later' });
    expect((await reg.list()).map((e) => e.id)).toEqual(['alpha', 'later']);
  });

  it('finds the shipped prefix_sum_mini in the repo envs folder', async () => {
    const list = await new EnvRegistry({ dirs: [SHIPPED] }).list();
    expect(list.find((e) => e.id === 'prefix_sum_mini')).toMatchObject({ version: '1.0.0', defaultVariant: 'mini' });
    expect(list.find((e) => e.id === 'prefix_sum_mini')!.error).toBeUndefined();
  });
});

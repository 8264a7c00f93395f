import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttemptSummary } from '../../common/attempt';
import { quietLogger, tmp } from '../attempts/testKit';
import { AppIndex, INDEX_FILE } from './AppIndex';

const summary = (id: string): AttemptSummary => ({
  id,
  envId: 'tiny_env',
  state: 'running',
  createdAt: '2026-11-30T01:02:03.000Z',
  dir: `/data/attempts/${id}`,
  finalScore: null,
  normalizedScore: null,
});

describe('AppIndex', () => {
  it('rebuilds a missing index from the attempt folders and keeps settings across opens', async () => {
    const dir = await tmp();
    const idx = await AppIndex.open(dir, { rebuild: async () => [summary('a')], logger: quietLogger });
    expect(idx.attempts().map((a) => a.id)).toEqual(['a']);
    await idx.setSettings({ theme: 'dark' });
    const again = await AppIndex.open(dir, { rebuild: async () => [], logger: quietLogger });
    expect(again.settings()).toEqual({ theme: 'dark' });
    expect(again.attempts().map((a) => a.id)).toEqual(['a']);
  });

  it('moves a corrupt index aside and rebuilds it', async () => {
    const dir = await tmp();
    await writeFile(join(dir, INDEX_FILE), '{"settings": {}, "attempts": [ {"id": ');
    const idx = await AppIndex.open(dir, { rebuild: async () => [summary('b')], logger: quietLogger, wallMs: () => Date.parse('2026-11-30T01:02:03Z') });
    expect(idx.attempts().map((a) => a.id)).toEqual(['b']);
    const files = await readdir(dir);
    expect(files).toContain('redesk.json.corrupt-20261130T010203Z');
    expect(await readFile(join(dir, 'redesk.json.corrupt-20261130T010203Z'), 'utf8')).toContain('"attempts": [ {"id": ');
    expect(JSON.parse(await readFile(join(dir, INDEX_FILE), 'utf8')).attempts[0].id).toBe('b');
  });

  it('treats JSON of the wrong shape as corrupt', async () => {
    const dir = await tmp();
    await writeFile(join(dir, INDEX_FILE), '{"attempts": "nope"}');
    const idx = await AppIndex.open(dir, { rebuild: async () => [], logger: quietLogger });
    expect(idx.attempts()).toEqual([]);
    expect((await readdir(dir)).some((f) => f.startsWith('redesk.json.corrupt-'))).toBe(true);
  });

  it('upserts attempts', async () => {
    const dir = await tmp();
    const idx = await AppIndex.open(dir, { rebuild: async () => [], logger: quietLogger });
    await idx.upsertAttempt(summary('a'));
    await idx.upsertAttempt({ ...summary('a'), state: 'scored', finalScore: 1.5, normalizedScore: 0.9 });
    const reread = await AppIndex.open(dir, { rebuild: async () => [], logger: quietLogger });
    expect(reread.attempts()).toEqual([{ ...summary('a'), state: 'scored', finalScore: 1.5, normalizedScore: 0.9 }]);
  });
});

import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmp } from '../attempts/testKit';
import { atomicWrite, type WriteData } from './atomicWrite';

const diskFull: WriteData = async (fh) => {
  // Half the bytes reach the disk, then it is full.
  await fh.write('{"half":');
  throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
};

describe('atomicWrite', () => {
  it('replaces the file and leaves no temporary files', async () => {
    const dir = await tmp();
    const p = join(dir, 'state.json');
    await atomicWrite(p, 'one');
    await atomicWrite(p, 'two');
    expect(await readFile(p, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('on a full disk keeps the previous file, removes the temporary one and says DISK_FULL', async () => {
    const dir = await tmp();
    const p = join(dir, 'state.json');
    await writeFile(p, '{"saved":true}');
    const err = await atomicWrite(p, '{"saved":"newer"}', { writeData: diskFull }).catch((e) => e);
    expect(err.code).toBe('DISK_FULL');
    expect(err.message).toContain('previous version');
    expect(await readFile(p, 'utf8')).toBe('{"saved":true}');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('treats a quota error like a full disk', async () => {
    const dir = await tmp();
    const err = await atomicWrite(join(dir, 'a'), 'x', {
      writeData: async () => {
        throw Object.assign(new Error('quota'), { code: 'EDQUOT' });
      },
    }).catch((e) => e);
    expect(err.code).toBe('DISK_FULL');
  });

  it('keeps an existing file executable', async () => {
    const dir = await tmp();
    const p = join(dir, 'run.sh');
    await writeFile(p, '#!/bin/sh\n');
    await chmod(p, 0o755);
    await atomicWrite(p, '#!/bin/sh\necho hi\n');
    expect((await stat(p)).mode & 0o777).toBe(0o755);
  });
});

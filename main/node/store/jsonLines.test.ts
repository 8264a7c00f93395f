import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmp } from '../attempts/testKit';
import type { WriteData } from './atomicWrite';
import { appendLine, readJsonLines } from './jsonLines';

const fullAfterHalf: WriteData = async (fh, data) => {
  await fh.write(Buffer.from(data).subarray(0, 5));
  throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
};

describe('appendLine / readJsonLines', () => {
  it('appends lines that read back in order', async () => {
    const p = join(await tmp(), 'scores.jsonl');
    await appendLine(p, JSON.stringify({ n: 1 }));
    await appendLine(p, JSON.stringify({ n: 2 }));
    expect((await readJsonLines(p)).values).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await readFile(p, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('a failed append (disk full) leaves the earlier lines intact and says DISK_FULL', async () => {
    const p = join(await tmp(), 'scores.jsonl');
    await appendLine(p, JSON.stringify({ n: 1 }));
    const err = await appendLine(p, JSON.stringify({ n: 2, long: 'x'.repeat(100) }), { writeData: fullAfterHalf }).catch((e) => e);
    expect(err.code).toBe('DISK_FULL');
    expect(err.message).toContain('intact');
    expect(await readFile(p, 'utf8')).toBe('{"n":1}\n');
    await appendLine(p, JSON.stringify({ n: 3 }));
    expect((await readJsonLines(p)).values).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('reading drops a torn last line; the next append removes it first', async () => {
    const p = join(await tmp(), 'scores.jsonl');
    await writeFile(p, '{"n":1}\n{"n":2}\n{"n":3,"sco');
    const read = await readJsonLines(p);
    expect(read.values).toEqual([{ n: 1 }, { n: 2 }]);
    expect(read.tornTail).toBe(true);
    const { repairedBytes } = await appendLine(p, '{"n":3}');
    expect(repairedBytes).toBe('{"n":3,"sco'.length);
    expect(await readFile(p, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  it('skips and reports a damaged line in the middle', async () => {
    const p = join(await tmp(), 'scores.jsonl');
    await appendFile(p, '{"n":1}\nnot json\n{"n":3}\n');
    const read = await readJsonLines(p);
    expect(read.values).toEqual([{ n: 1 }, { n: 3 }]);
    expect(read.badLines).toEqual([2]);
  });

  it('a missing file reads as empty', async () => {
    expect((await readJsonLines(join(await tmp(), 'none.jsonl'))).values).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TarFileWriter } from './TarFileWriter';
import { TarReader, type TarEntry } from './TarReader';
import { fileHeader, fileHeaderLength } from './tarHeader';

const TAR = ['/usr/bin/tar', '/bin/tar', '/usr/local/bin/tar'].find(existsSync);
const dir = mkdtempSync(join(tmpdir(), 'redesk-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LONG = `submission/${'deep/'.repeat(30)}file.txt`;
const UTF8 = 'submission/notes-été-ß.md';

async function readAll(path: string, chunk = 7919): Promise<{ entry: TarEntry; data: Buffer }[]> {
  const r = new TarReader(createReadStream(path, { highWaterMark: chunk }));
  const out: { entry: TarEntry; data: Buffer }[] = [];
  for (let e = await r.next(); e; e = await r.next()) {
    const parts: Buffer[] = [];
    for await (const p of r.data()) parts.push(Buffer.from(p));
    out.push({ entry: e, data: Buffer.concat(parts) });
  }
  return out;
}

async function writeSample(path: string): Promise<void> {
  const src = join(dir, 'big.bin');
  writeFileSync(src, Buffer.alloc(3 * 1024 * 1024 + 17, 7));
  const w = await TarFileWriter.create(path, 0);
  await w.addBytes('a.txt', Buffer.from('hello\n'), 1_700_000_000);
  await w.addBytes('empty', Buffer.alloc(0), 1_700_000_000);
  await w.addBytes(LONG, Buffer.from('long name\n'), 1_700_000_000);
  await w.addBytes(UTF8, Buffer.from('ünïcode\n'), 1_700_000_000);
  await w.addFile('big.bin', src, 3 * 1024 * 1024 + 17, 1_700_000_000);
  await w.end();
  await w.close({ sync: false });
}

describe('tar', () => {
  it('reads back what it writes, whatever the chunk size', async () => {
    const path = join(dir, 'sample.tar');
    await writeSample(path);
    for (const chunk of [512, 7919, 1 << 20]) {
      const entries = await readAll(path, chunk);
      expect(entries.map((e) => e.entry.name)).toEqual(['a.txt', 'empty', LONG, UTF8, 'big.bin']);
      expect(entries[0]!.data.toString()).toBe('hello\n');
      expect(entries[3]!.data.toString()).toBe('ünïcode\n');
      expect(entries[4]!.data.length).toBe(3 * 1024 * 1024 + 17);
    }
  });

  it('knows its header lengths in advance', () => {
    for (const [n, s] of [['a', 1], [LONG, 10], [UTF8, 0], ['x', 9e9]] as const) expect(fileHeaderLength(n, s)).toBe(fileHeader(n, s, 123).length);
  });

  it.skipIf(!TAR)('is read by tar -xf, and reads what tar writes (skipped: no tar)', async () => {
    const path = join(dir, 'sample2.tar');
    await writeSample(path);
    const out = join(dir, 'x');
    mkdirSync(out);
    execFileSync(TAR!, ['-xf', path, '-C', out]);
    expect(readFileSync(join(out, LONG), 'utf8')).toBe('long name\n');
    expect(readFileSync(join(out, UTF8), 'utf8')).toBe('ünïcode\n');
    const made = join(dir, 'gnu.tar');
    execFileSync(TAR!, ['--format=pax', '-cf', made, '-C', out, LONG, UTF8]);
    const back = await readAll(made);
    expect(back.map((e) => e.entry.name)).toEqual([LONG, UTF8]);
  });

  it('calls a cut archive truncated and garbage malformed', async () => {
    const path = join(dir, 'sample3.tar');
    await writeSample(path);
    const bytes = readFileSync(path);
    for (const cut of [100, 1000, bytes.length - 2000, bytes.length - 1024, bytes.length - 10]) {
      writeFileSync(join(dir, 'cut.tar'), bytes.subarray(0, cut));
      await expect(readAll(join(dir, 'cut.tar'))).rejects.toMatchObject({ code: 'BUNDLE_TRUNCATED' });
    }
    const bad = Buffer.from(bytes);
    bad[10] = 0x41;
    writeFileSync(join(dir, 'bad.tar'), bad);
    await expect(readAll(join(dir, 'bad.tar'))).rejects.toMatchObject({ code: 'BUNDLE_MALFORMED' });
  });
});

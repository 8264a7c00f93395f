import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFileSet, listFiles, sha256File } from './fileHash';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redesk-hash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fileHash', () => {
  it('streams a file larger than one read chunk to the same sha256 as hashing it whole', async () => {
    const data = Buffer.alloc(300_000, 7);
    data.write('end', 299_990);
    writeFileSync(join(dir, 'big.bin'), data);
    expect(await sha256File(join(dir, 'big.bin'))).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('lists files with / paths, sorted hashing independent of listing order, ignoring __pycache__', async () => {
    mkdirSync(join(dir, 's', 'pkg', '__pycache__'), { recursive: true });
    writeFileSync(join(dir, 's', 'b.py'), 'b');
    writeFileSync(join(dir, 's', 'pkg', 'a.py'), 'a');
    writeFileSync(join(dir, 's', 'pkg', '__pycache__', 'a.pyc'), 'x');
    const files = await listFiles(dir, 's');
    expect(files.sort()).toEqual(['s/b.py', 's/pkg/a.py']);
    expect(await hashFileSet(dir, files)).toBe(await hashFileSet(dir, [...files].reverse()));
    // sha256sum's format: the set hash is reproducible outside redesk.
    const line = (p: string, c: string) => `${createHash('sha256').update(c).digest('hex')}  ${p}\n`;
    expect(await hashFileSet(dir, files)).toBe(createHash('sha256').update(line('s/b.py', 'b') + line('s/pkg/a.py', 'a')).digest('hex'));
  });

  it('hashes a symlink by its target text, so a link to a huge or outside file costs nothing', async () => {
    writeFileSync(join(dir, 'real.txt'), 'r');
    symlinkSync('/etc/hostname', join(dir, 'link'));
    const a = await hashFileSet(dir, ['link']);
    rmSync(join(dir, 'link'));
    symlinkSync('/etc/hosts', join(dir, 'link'));
    expect(await hashFileSet(dir, ['link'])).not.toBe(a);
  });
});

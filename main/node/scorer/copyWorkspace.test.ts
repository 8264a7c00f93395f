import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyWorkspace } from './copyWorkspace';

let root: string;
let src: string;
let dest: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'redesk-copy-'));
  src = join(root, 'ws');
  dest = join(root, 'copy');
  mkdirSync(join(src, 'pkg'), { recursive: true });
  writeFileSync(join(src, 'solution.py'), 'print(1)');
  writeFileSync(join(src, 'pkg', 'helper.py'), 'X = 2');
  writeFileSync(join(root, 'secret.txt'), 'not yours');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('copyWorkspace', () => {
  it('copies files and folders and counts them', async () => {
    const r = await copyWorkspace(src, dest, 1 << 20);
    expect(readFileSync(join(dest, 'pkg', 'helper.py'), 'utf8')).toBe('X = 2');
    expect(r).toEqual({ files: 2, bytes: 13, skipped: [] });
  });

  it('keeps links inside the workspace as links into the copy and skips links that lead outside', async () => {
    symlinkSync(join(src, 'pkg', 'helper.py'), join(src, 'abs-inside.py'));
    symlinkSync('pkg', join(src, 'pkg-link'));
    symlinkSync(join(root, 'secret.txt'), join(src, 'secret-abs'));
    symlinkSync('../secret.txt', join(src, 'secret-rel'));
    symlinkSync('nowhere', join(src, 'dangling'));
    const r = await copyWorkspace(src, dest, 1 << 20);
    expect(r.skipped.sort()).toEqual(['dangling', 'secret-abs', 'secret-rel']);
    expect(existsSync(join(dest, 'secret-abs'))).toBe(false);
    expect(lstatSync(join(dest, 'abs-inside.py')).isSymbolicLink()).toBe(true);
    // The link points at the copy, not back into the live workspace.
    expect(readlinkSync(join(dest, 'abs-inside.py'))).toBe(join('pkg', 'helper.py'));
    expect(readFileSync(join(dest, 'pkg-link', 'helper.py'), 'utf8')).toBe('X = 2');
  });

  it('skips fifos, which would block a copy forever', async () => {
    execFileSync('mkfifo', [join(src, 'pipe')]);
    const r = await copyWorkspace(src, dest, 1 << 20);
    expect(r.skipped).toEqual(['pipe']);
  });

  it('throws FILE_TOO_LARGE past the limit, naming the file where it stopped', async () => {
    writeFileSync(join(src, 'weights.bin'), Buffer.alloc(4096));
    await expect(copyWorkspace(src, dest, 1024)).rejects.toMatchObject({ code: 'FILE_TOO_LARGE', where: 'weights.bin' });
  });
});

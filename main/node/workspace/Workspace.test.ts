import { chmod, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmp } from '../attempts/testKit';
import { copyStarter } from './copyStarter';
import { Workspace, type FileChange } from './Workspace';

async function workspace(opts: ConstructorParameters<typeof Workspace>[1] = {}): Promise<{ root: string; ws: Workspace }> {
  const root = await tmp('redesk-ws-');
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'solution.py'), 'print(1)\n');
  return { root, ws: new Workspace(root, opts) };
}

const code = (p: Promise<unknown>) => p.then(() => 'no error', (e) => e.code);

describe('Workspace paths', () => {
  it('refuses paths that leave the folder: .., absolute, symlinks out', async () => {
    const { root, ws } = await workspace();
    const outside = await tmp('redesk-outside-');
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await symlink(outside, join(root, 'tmplink'));
    await symlink(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
    await symlink(join(outside, 'not-yet.txt'), join(root, 'dangling.txt'));

    for (const bad of ['../x', 'src/../../x', '/etc/passwd', 'C:\\Windows\\win.ini', 'tmplink/secret.txt', 'secret-link.txt', 'dangling.txt']) {
      expect(await code(ws.read(bad)), bad).toBe('PATH_ESCAPES_WORKSPACE');
      expect(await code(ws.write(bad, 'x')), bad).toBe('PATH_ESCAPES_WORKSPACE');
    }
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    await expect(stat(join(outside, 'not-yet.txt'))).rejects.toThrow();
  });

  it('follows a symlink that stays inside', async () => {
    const { root, ws } = await workspace();
    await symlink(join(root, 'src', 'solution.py'), join(root, 'link.py'));
    expect((await ws.read('link.py')).content).toBe('print(1)\n');
    await ws.write('link.py', 'print(2)\n');
    expect(await readFile(join(root, 'src', 'solution.py'), 'utf8')).toBe('print(2)\n');
  });
});

describe('Workspace list/read/write', () => {
  it('lists recursively, folders before their files, skipping .git, node_modules and __pycache__', async () => {
    const { root, ws } = await workspace();
    for (const d of ['.git', 'node_modules/x', 'src/__pycache__']) await mkdir(join(root, d), { recursive: true });
    await writeFile(join(root, '.git', 'HEAD'), 'ref');
    await writeFile(join(root, 'src', '__pycache__', 'solution.pyc'), 'x');
    await writeFile(join(root, 'README.md'), 'hi');
    const list = await ws.list();
    expect(list.map((e) => `${e.kind}:${e.path}`)).toEqual(['file:README.md', 'dir:src', 'file:src/solution.py']);
    expect(list.find((e) => e.path === 'README.md')?.size).toBe(2);
  });

  it('cuts a huge listing short', async () => {
    const { root } = await workspace();
    for (let i = 0; i < 30; i++) await writeFile(join(root, `f${i}.txt`), '');
    expect((await new Workspace(root, { maxEntries: 10 }).list()).length).toBe(10);
  });

  it('reads with a hash, and says FILE_NOT_FOUND and FILE_TOO_LARGE', async () => {
    const { root, ws } = await workspace({ maxReadBytes: 100 });
    const f = await ws.read('src/solution.py');
    expect(f).toMatchObject({ path: 'src/solution.py', content: 'print(1)\n' });
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await code(ws.read('nope.py'))).toBe('FILE_NOT_FOUND');
    await writeFile(join(root, 'big.bin'), Buffer.alloc(101));
    const err = await ws.read('big.bin').catch((e) => e);
    expect(err.code).toBe('FILE_TOO_LARGE');
    expect(err.message).toContain('big.bin');
  });

  it('writes atomically, creating folders, and returns what reading returns', async () => {
    const { root, ws } = await workspace();
    const w = await ws.write('new/deep/file.txt', 'héllo');
    expect(await readFile(join(root, 'new', 'deep', 'file.txt'), 'utf8')).toBe('héllo');
    const r = await ws.read('new/deep/file.txt');
    expect(w.sha256).toBe(r.sha256);
    expect(w.size).toBe(Buffer.byteLength('héllo'));
  });

  it('keeps an executable script executable when saved', async () => {
    const { root, ws } = await workspace();
    await writeFile(join(root, 'run.sh'), '#!/bin/sh\n');
    await chmod(join(root, 'run.sh'), 0o755);
    await ws.write('run.sh', '#!/bin/sh\necho 1\n');
    expect((await stat(join(root, 'run.sh'))).mode & 0o111).not.toBe(0);
  });

  it('refuses writes when read-only, saying why', async () => {
    const { root } = await workspace();
    const ws = new Workspace(root, { readOnlyReason: 'attempt x is submitted' });
    const err = await ws.write('src/solution.py', 'changed').catch((e) => e);
    expect(err.code).toBe('ATTEMPT_BAD_STATE');
    expect(err.message).toContain('submitted');
    expect(await readFile(join(root, 'src', 'solution.py'), 'utf8')).toBe('print(1)\n');
  });
});

describe('Workspace.watch', () => {
  for (const forcePolling of [false, true]) {
    it(`reports files changed on disk by others (${forcePolling ? 'polling' : 'fs.watch'})`, async () => {
      const { root } = await workspace();
      const ws = new Workspace(root, { watch: { forcePolling, pollMs: 50, debounceMs: 20 } });
      const seen: FileChange[] = [];
      const stop = await ws.watchReady((c) => seen.push(c));
      try {
        await writeFile(join(root, 'out.log'), 'a');
        await expect.poll(() => seen, { timeout: 5000 }).toContainEqual({ path: 'out.log', kind: 'add' });
        await writeFile(join(root, 'src', 'solution.py'), 'print(22)\n');
        await expect.poll(() => seen, { timeout: 5000 }).toContainEqual({ path: 'src/solution.py', kind: 'change' });
        await mkdir(join(root, 'new'));
        await writeFile(join(root, 'new', 'x.txt'), '');
        await expect.poll(() => seen, { timeout: 5000 }).toContainEqual({ path: 'new/x.txt', kind: 'add' });
        await rm(join(root, 'out.log'));
        await expect.poll(() => seen, { timeout: 5000 }).toContainEqual({ path: 'out.log', kind: 'unlink' });
        await mkdir(join(root, 'node_modules'));
        await writeFile(join(root, 'node_modules', 'ignored.js'), '');
        await writeFile(join(root, 'after.txt'), '');
        await expect.poll(() => seen, { timeout: 5000 }).toContainEqual({ path: 'after.txt', kind: 'add' });
        expect(seen.some((c) => c.path.startsWith('node_modules'))).toBe(false);
      } finally {
        stop();
      }
    });
  }
});

describe('copyStarter', () => {
  it('copies the starter with modes, leaves caches out, and never overwrites a workspace', async () => {
    const src = await tmp('redesk-starter-');
    await mkdir(join(src, 'lib', '__pycache__'), { recursive: true });
    await writeFile(join(src, 'lib', 'a.py'), 'a');
    await writeFile(join(src, 'lib', '__pycache__', 'a.pyc'), 'x');
    await writeFile(join(src, 'run.sh'), '#!/bin/sh\n');
    await chmod(join(src, 'run.sh'), 0o755);
    const dest = join(await tmp(), 'workspace');
    await copyStarter(src, dest);
    expect(await readFile(join(dest, 'lib', 'a.py'), 'utf8')).toBe('a');
    expect((await stat(join(dest, 'run.sh'))).mode & 0o111).not.toBe(0);
    await expect(stat(join(dest, 'lib', '__pycache__'))).rejects.toThrow();
    await writeFile(join(dest, 'lib', 'a.py'), 'my work');
    expect(await code(copyStarter(src, dest))).toBe('IO_ERROR');
    expect(await readFile(join(dest, 'lib', 'a.py'), 'utf8')).toBe('my work');
  });
});

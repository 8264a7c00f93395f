import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmp } from '../attempts/testKit';
import { DataDirLock, LOCK_FILE, readLock } from './DataDirLock';

/** A pid that surely is not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('DataDirLock', () => {
  it('refuses a second instance on the same data folder, naming the pid that holds it', async () => {
    const dir = await tmp();
    const first = await DataDirLock.acquire(dir);
    const err = await DataDirLock.acquire(dir).catch((e) => e);
    expect(err.code).toBe('DATA_DIR_LOCKED');
    expect(err.message).toContain(`process ${process.pid}`);
    await first.release();
    const again = await DataDirLock.acquire(dir);
    await again.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = await tmp();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), startedAt: '2026-01-01T00:00:00Z' }));
    expect((await readLock(dir))?.alive).toBe(false);
    const lock = await DataDirLock.acquire(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock from an earlier boot even if its pid is alive now', async () => {
    const dir = await tmp();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, startedAt: '2026-01-01T00:00:00Z', bootId: 'another-boot' }));
    const lock = await DataDirLock.acquire(dir, undefined, { bootId: 'this-boot' });
    await lock.release();
  });

  it('lets a CLI find a live host, and keeps the token private to the user', async () => {
    const dir = await tmp();
    const lock = await DataDirLock.acquire(dir);
    expect((await readLock(dir))?.host).toBeUndefined();
    await lock.setHostInfo({ port: 4567, token: 'secret' });
    const found = await readLock(dir);
    expect(found).toMatchObject({ pid: process.pid, alive: true, host: { port: 4567, token: 'secret' } });
    expect((await stat(join(dir, LOCK_FILE))).mode & 0o077).toBe(0);
    await lock.release();
    expect(await readLock(dir)).toBeNull();
  });

  it('release does not remove a lock another process took meanwhile', async () => {
    const dir = await tmp();
    const lock = await DataDirLock.acquire(dir);
    const other = JSON.stringify({ pid: 1, startedAt: '2026-01-01T00:00:00Z' });
    await writeFile(join(dir, LOCK_FILE), other);
    await lock.release();
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(other);
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestHost, isAlive, waitUntil } from './testKit';

let entry: string;
let cleanup: () => void;
const cwd = mkdtempSync(join(tmpdir(), 'redesk-ptyhostmain-'));

beforeAll(async () => {
  ({ entry, cleanup } = await buildTestHost());
});
afterAll(() => {
  cleanup();
  rmSync(cwd, { recursive: true, force: true });
});

/** Stands in for the app: forks the host, opens one terminal, prints the pids, then waits to be killed. */
const fakeApp = `
const { fork } = require('node:child_process');
const [entry, cwd] = process.argv.slice(1);
const host = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
host.on('message', (m) => {
  if (m.type === 'ready') console.log(JSON.stringify({ host: host.pid, shell: m.pid }));
});
host.send({ type: 'create', id: 'pty-1', cwd, cols: 80, rows: 24, env: { HOME: cwd, SHELL: '/bin/bash' } });
`;

describe('pty host process', () => {
  it('hangs up its terminals and exits when the app is gone', async () => {
    const app = spawn(process.execPath, ['-e', fakeApp, entry, cwd], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    app.stdout.on('data', (d) => (out += d));
    const pids = await waitUntil(
      () => (out.includes('\n') ? (JSON.parse(out) as { host: number; shell: number }) : undefined),
      () => `the fake app to report pids (got ${JSON.stringify(out)})`,
    );
    expect(isAlive(pids.host)).toBe(true);
    expect(isAlive(pids.shell)).toBe(true);

    app.kill('SIGKILL');
    await waitUntil(() => (isAlive(pids.host) ? undefined : true), () => `host ${pids.host} to exit`);
    await waitUntil(() => (isAlive(pids.shell) ? undefined : true), () => `shell ${pids.shell} to exit`);
  });

  it('refuses to run without a parent channel, saying why', async () => {
    const p = spawn(process.execPath, [entry], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => p.on('exit', r));
    expect(code).toBe(2);
    expect(err).toMatch(/no parent channel/);
  });
});

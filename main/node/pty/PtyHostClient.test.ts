import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import { BATCH_MAX_CHARS, HIGH_WATERMARK_CHARS, HOST_GONE_EXIT_CODE, PtyHostClient } from './PtyHostClient';
import { buildTestHost, escapeRegExp, isAlive, Screen, waitUntil } from './testKit';

let entry: string;
let cleanupHost: () => void;
let home: string;
let client: PtyHostClient;
const screens: Screen[] = [];
const warnings: string[] = [];
const logger: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };

beforeAll(async () => {
  ({ entry, cleanup: cleanupHost } = await buildTestHost());
  // realpath: on macOS /tmp is a symlink and `pwd` prints the resolved path.
  home = realpathSync(mkdtempSync(join(tmpdir(), 'redesk-pty-')));
});

afterAll(() => {
  cleanupHost();
  rmSync(home, { recursive: true, force: true });
});

afterEach(async () => {
  for (const s of screens.splice(0)) s.dispose();
  await client?.dispose();
  warnings.length = 0;
});

/** A bash in `home`, with that folder as HOME so the user's own profile and history are left alone. */
async function open(attemptId = 'a1', cols = 80, rows = 24): Promise<Screen> {
  client ??= new PtyHostClient({ entry, logger });
  const id = await client.create({ cwd: home, cols, rows, attemptId, env: { HOME: home, SHELL: '/bin/bash' } });
  const screen = new Screen(client, id, cols, rows);
  screens.push(screen);
  return screen;
}

/** Waits until count() stays the same for QUIET_MS (bounded by a generous timeout). */
const QUIET_MS = 500;
async function waitForQuiet(count: () => number): Promise<void> {
  let last = count();
  let since = Date.now();
  await waitUntil(
    () => {
      const now = count();
      if (now !== last) [last, since] = [now, Date.now()];
      return Date.now() - since >= QUIET_MS ? true : undefined;
    },
    () => `output to stop, at ${count()} chars`,
    30_000,
  );
}

function newClient(): PtyHostClient {
  client = new PtyHostClient({ entry, logger });
  return client;
}

describe('PtyHostClient with the real host', () => {
  it('starts the shell in the folder given', async () => {
    newClient();
    const s = await open();
    expect(s.ptyId).toBe('pty-1');
    s.type('pwd\r');
    await s.waitFor(new RegExp(`^${escapeRegExp(home)}$`, 'm'));
  });

  it('runs commands and shows their output', async () => {
    newClient();
    const s = await open();
    s.type('echo $((6*7))\r');
    await s.waitFor(/^42$/m);
  });

  it('gives programs a colour terminal', async () => {
    newClient();
    const s = await open();
    s.type('echo "[$TERM/$COLORTERM]"\r');
    await s.waitFor(/^\[xterm-256color\/truecolor\]$/m);
  });

  it('tells the program about a resize', async () => {
    newClient();
    const s = await open('a1', 80, 24);
    s.type('stty size\r');
    await s.waitFor(/^24 80$/m);
    s.resize(117, 31);
    s.type('stty size\r');
    await s.waitFor(/^31 117$/m);
  });

  it('keeps multi-byte characters whole however the output is split', async () => {
    newClient();
    const s = await open();
    // 😀 (4 bytes) ü (2) € (3) a (1), written as octal so the typed line holds only ASCII; tr writes in blocks
    // that cut characters at arbitrary places.
    const unit = '😀ü€a';
    s.type(`yes "$(printf '\\360\\237\\230\\200\\303\\274\\342\\202\\254a')" | head -n 20000 | tr -d '\\n'; echo; echo __E$((1))__\r`);
    await s.waitFor(/^__E1__$/m);
    expect(s.raw).not.toContain('\uFFFD');
    expect(s.raw).toContain(unit.repeat(20_000));
    expect(s.raw.split('😀').length - 1).toBe(20_000);
  });

  it('stops a flood at the high watermark until the output is acknowledged, then finishes it', async () => {
    newClient();
    const id = await client.create({ cwd: home, cols: 80, rows: 24, attemptId: 'a1', env: { HOME: home, SHELL: '/bin/bash' } });
    let received = 0;
    let tail = '';
    let acking = false;
    client.onData((ptyId, data) => {
      if (ptyId !== id) return;
      received += data.length;
      tail = (tail + data).slice(-200);
      if (acking) client.ack(id, data.length);
    });
    // 3 MB of zeros as base64: about 4 million characters.
    client.input(id, 'head -c 3000000 /dev/zero | base64; echo __E$((2))__\r');

    await waitUntil(() => (received >= HIGH_WATERMARK_CHARS ? true : undefined), () => `${received} chars`);
    // The host has stopped reading the pty; a flood that kept going would not fall quiet before its end.
    await waitForQuiet(() => received);
    expect(received).toBeGreaterThanOrEqual(HIGH_WATERMARK_CHARS);
    expect(received).toBeLessThanOrEqual(HIGH_WATERMARK_CHARS + BATCH_MAX_CHARS);
    expect(tail).not.toContain('__E2__');

    acking = true;
    client.ack(id, received);
    await waitUntil(() => (tail.includes('__E2__') ? true : undefined), () => `the end of the flood, at ${received} chars`, 60_000);
    expect(received).toBeGreaterThan(4_000_000);
  });

  it('reports the exit code of a shell the user exits', async () => {
    newClient();
    const s = await open();
    s.type('exit 3\r');
    expect(await s.waitForExit()).toEqual({ exitCode: 3, signal: undefined });
    expect(client.has(s.ptyId)).toBe(false);
  });

  it('kills a terminal and reports its exit', async () => {
    newClient();
    const s = await open();
    s.type('echo ready$((1))\r');
    await s.waitFor(/^ready1$/m);
    client.kill(s.ptyId);
    await s.waitForExit();
    expect(client.has(s.ptyId)).toBe(false);
    expect(() => client.input(s.ptyId, 'ls\r')).toThrow(RedeskError);
  });

  it("kills one attempt's terminals and leaves the others", async () => {
    newClient();
    const a = await open('attempt-a');
    const a2 = await open('attempt-a');
    const b = await open('attempt-b');
    client.killAttempt('attempt-a');
    await a.waitForExit();
    await a2.waitForExit();
    expect(b.exit).toBeUndefined();
    b.type('echo $((6*7))\r');
    await b.waitFor(/^42$/m);
  });

  it('refuses a folder that does not exist, saying which', async () => {
    newClient();
    const missing = join(home, 'nope');
    const err = await client.create({ cwd: missing, cols: 80, rows: 24, attemptId: 'a1' }).catch((e) => e);
    expect(err).toBeInstanceOf(RedeskError);
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.message).toContain(missing);
  });

  it('input to an unknown terminal is PTY_NOT_FOUND', () => {
    newClient();
    expect(() => client.input('pty-99', 'ls\r')).toThrow(expect.objectContaining({ code: 'PTY_NOT_FOUND' }));
  });

  it('when the host process dies, every terminal exits and the next one starts a new host', async () => {
    newClient();
    const s1 = await open('a1');
    const s2 = await open('a2');
    s1.type('echo __P$$__\r');
    const shellPid = Number((await s1.waitFor(/^__P(\d+)__$/m))[1]);
    const firstHost = client.hostPid!;
    process.kill(firstHost, 'SIGKILL');

    expect(await s1.waitForExit()).toEqual({ exitCode: HOST_GONE_EXIT_CODE, signal: undefined });
    expect((await s2.waitForExit()).exitCode).toBe(HOST_GONE_EXIT_CODE);
    expect(client.has(s1.ptyId)).toBe(false);
    expect(warnings.join('\n')).toMatch(/pty host exited/);
    // Its shells are hung up with it, not left running unseen.
    await waitUntil(() => (isAlive(shellPid) ? undefined : true), () => `shell ${shellPid} to end`);

    const s3 = await open('a1');
    expect(client.hostPid).not.toBe(firstHost);
    s3.type('echo $((6*7))\r');
    await s3.waitFor(/^42$/m);
  });

  it('dispose ends every terminal and the host', async () => {
    const c = newClient();
    const s = await open();
    const hostPid = c.hostPid!;
    await c.dispose();
    expect(s.exit?.exitCode).toBe(HOST_GONE_EXIT_CODE);
    await waitUntil(() => (isAlive(hostPid) ? undefined : true), () => `host ${hostPid} to end`);
    await expect(c.create({ cwd: home, cols: 80, rows: 24, attemptId: 'a1' })).rejects.toMatchObject({ code: 'PTY_HOST_DIED' });
  });
});

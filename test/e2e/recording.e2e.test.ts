/**
 * The recording end to end in browser mode, as an expert would meet it: read what is recorded and consent, start,
 * edit with several cursors and an undo, save, write a note, paste into the terminal, watch the live record and the
 * saved indicator. Then the log on disk is checked: the chain verifies, replaying the editor records from the opened
 * content reproduces every save, and the note and the paste are there. Screenshots: test-results/rec-<step>.png.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { bin, root, shots } from '../support/host';
import { connectRemoteApi } from '../../main/cli/RemoteApi';
import type { EventRecord } from '../../main/common/events/record';
import { verifyLog } from '../../main/node/recorder/verifyLog';
import { applyEditorChange, type RecordedChange } from '../../renderer/src/recording/applyChanges';
import { openE2eSession, type E2eSession } from '../support/e2e';

let e2e: E2eSession | undefined;
let url = '';
let page: Page;
/** The attempt the first test made; the second reopens it. */
let attemptId = '';

const shot = (step: string) => page.screenshot({ path: join(shots, `rec-${step}.png`) });
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function terminalText(n: number): Promise<string> {
  return page.$$eval(`[data-testid="terminal-${n}"] .xterm-rows > div`, (rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
}

function readRecords(attemptDir: string): EventRecord[] {
  const dir = join(attemptDir, 'events');
  return readdirSync(dir)
    .filter((f) => /^events-\d+\.jsonl$/.test(f))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as EventRecord),
    );
}

/** `redesk log verify --json` where the CLI has it; the verifier itself otherwise. */
async function verify(attemptDir: string): Promise<{ ok: boolean }> {
  const r = spawnSync(process.execPath, [bin, 'log', 'verify', attemptDir, '--json'], { cwd: root, encoding: 'utf8' });
  if (r.status === 0 || /"ok"\s*:/.test(r.stdout)) return JSON.parse(r.stdout) as { ok: boolean };
  return verifyLog(attemptDir);
}

beforeAll(async () => {
  ({ url, page } = e2e = await openE2eSession('recording', { clipboard: true }));
});

afterAll(async () => {
  await e2e?.close();
});

describe('recording in browser mode', () => {
  it('records what the expert does, and the record replays to the saved file', async () => {
    // Before Start: the notice says what is recorded; Start waits for consent.
    await page.goto(url);
    await page.getByTestId('env-card-prefix_sum_mini').click();
    await expect.poll(() => page.getByTestId('preflight-status').textContent(), { timeout: 60_000 }).toBe('READY');
    const policy = page.getByTestId('recording-policy');
    await expect.poll(() => policy.getByTestId('policy-recorded').locator('li').count()).toBeGreaterThan(5);
    expect(await policy.getByTestId('policy-not-recorded').textContent()).toMatch(/screen/i);
    expect(await page.getByTestId('start-attempt').isDisabled()).toBe(true);
    await page.getByTestId('consent').check();
    expect(await page.getByTestId('start-attempt').isEnabled()).toBe(true);
    await shot('1-consent');

    await page.getByTestId('start-attempt').click();
    await page.getByTestId('attempt-view').waitFor();
    attemptId = decodeURIComponent(new URL(page.url()).hash.replace('#/attempt/', ''));
    const indicator = page.getByTestId('saved-indicator');
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('Saved');

    // Editor: three cursors (Shift+Alt+Down twice on Linux) prefix three lines; then a line typed and undone.
    await page.getByTestId('file-solution.py').click();
    await page.getByTestId('editor-tab-solution.py').waitFor();
    await page.locator('[data-testid="editor"] .view-lines').click();
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('Shift+Alt+ArrowDown');
    await page.keyboard.press('Shift+Alt+ArrowDown');
    await page.keyboard.type('#> ');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('undone');
    await page.keyboard.press('ControlOrMeta+Z');
    await page.keyboard.type('# kept');
    const editorPaste = '\n# pasted into the editor';
    await page.evaluate((t) => navigator.clipboard.writeText(t), editorPaste);
    await page.keyboard.press('ControlOrMeta+V');
    await shot('2-edited');
    await page.keyboard.press('ControlOrMeta+S');
    await expect.poll(() => page.getByTestId('editor-tab-solution.py').getAttribute('data-dirty')).toBe('false');

    // A note.
    await page.getByTestId('notes').fill('tried a multi-cursor edit');
    await page.getByTestId('add-note').click();
    await expect.poll(() => page.getByTestId('note-1').textContent()).toMatch(/^0:\d\d:\d\dtried a multi-cursor edit$/);

    // A paste into the terminal (Ctrl+Shift+V, as in a Linux terminal).
    const pasted = 'echo pasted-$((6*7))';
    await page.getByTestId('terminal-1').click();
    await expect.poll(() => terminalText(1), { timeout: 20_000 }).toMatch(/\S/);
    await page.evaluate((t) => navigator.clipboard.writeText(t), pasted);
    await page.keyboard.press('Control+Shift+V');
    await page.keyboard.press('Enter');
    await expect.poll(() => terminalText(1), { timeout: 20_000 }).toMatch(/^pasted-42\s*$/m);

    // The live record shows the note and the paste; the indicator settles on Saved.
    await page.getByTestId('live-record-toggle').click();
    const rows = page.getByTestId('live-record-row');
    await expect.poll(() => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-kind'))), { timeout: 10_000 }).toEqual(
      expect.arrayContaining(['app.note', 'app.paste', 'editor.change', 'editor.save', 'pty.output']),
    );
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('Saved');
    expect(await indicator.getAttribute('data-state')).toBe('saved');
    await shot('3-live-record');

    // Switching to another window and back: blur and focus. Headless Chromium tells every page it has focus, so a
    // real window switch is invisible here; the window gets the events the switch would fire.
    await page.evaluate(() => window.dispatchEvent(new FocusEvent('blur')));
    await page.evaluate(() => window.dispatchEvent(new FocusEvent('focus')));

    // Typing and pausing at once: the edit reaches the log before the pause does.
    await page.locator('[data-testid="editor"] .view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('!');
    await page.getByTestId('pause-button').click();
    await page.getByTestId('pause-reason').fill('coffee');
    await page.getByTestId('pause-confirm').click();
    await expect.poll(() => page.getByTestId('attempt-state').textContent()).toBe('paused');
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('Saved');
    const liveKinds = () => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-kind')));
    await expect.poll(liveKinds, { timeout: 5000 }).toEqual(expect.arrayContaining(['app.blur', 'app.focus', 'app.pause']));
    await shot('4-paused');
    // Whatever came after (the cursor's last position, sent once its throttle ran) settles too.
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('Saved');

    // The log on disk.
    const remote = await connectRemoteApi(Number(new URL(url).port), new URL(url).searchParams.get('token')!);
    const { dir, workspace } = await remote.api.attemptStatus(attemptId);
    remote.close();
    expect((await verify(dir)).ok).toBe(true);
    const records = readRecords(dir);
    const editor = records.filter((r) => r.src === 'editor' && r.data.path === 'solution.py');

    const open = editor.find((r) => r.kind === 'editor.open')!;
    expect(typeof open.data.content).toBe('string');
    let text = open.data.content as string;
    expect(sha256(text)).toBe(open.data.sha256);
    let saves = 0;
    for (const r of editor) {
      if (r.kind === 'editor.change') text = applyEditorChange(text, r.data as { changes: RecordedChange[]; eol?: string });
      if (r.kind === 'editor.save') {
        expect(sha256(text)).toBe(r.data.sha256);
        saves++;
      }
    }
    expect(saves).toBe(1);
    const onDisk = readFileSync(join(workspace, 'solution.py'), 'utf8');
    // The buffer holds one unsaved "!" typed after the save.
    expect(text).toBe(`${onDisk}!`);
    expect(onDisk.split('\n').slice(0, 3).every((l) => l.startsWith('#> '))).toBe(true);
    expect(onDisk).toMatch(/# kept/);
    expect(onDisk).not.toMatch(/undone/);
    const changes = editor.filter((r) => r.kind === 'editor.change');
    expect(changes.some((r) => (r.data.changes as unknown[]).length === 3)).toBe(true);
    expect(changes.some((r) => r.data.isUndo === true)).toBe(true);
    expect(editor.some((r) => r.kind === 'editor.cursor')).toBe(true);

    const note = records.find((r) => r.kind === 'app.note');
    expect(note?.data.text).toBe('tried a multi-cursor edit');
    expect(onDisk).toMatch(/# pasted into the editor/);
    const pastes = records.filter((r) => r.kind === 'app.paste');
    expect(pastes.map((r) => r.data)).toEqual([
      expect.objectContaining({ target: 'editor', path: 'solution.py', length: editorPaste.length, sha256: sha256(editorPaste), content: editorPaste }),
      expect.objectContaining({ target: 'terminal', length: pasted.length, sha256: sha256(pasted), content: pasted }),
    ]);
    expect(records.some((r) => r.kind === 'pty.input' && String(r.data.data).includes(pasted))).toBe(true);
    // Records made in the renderer come after the start and in the order they happened.
    const start = records.findIndex((r) => r.kind === 'app.start');
    expect(records.findIndex((r) => r.kind === 'editor.open')).toBeGreaterThan(start);
    expect(records.indexOf(note!)).toBeGreaterThan(records.findIndex((r) => r.kind === 'editor.save'));
    const lastChange = records.findLastIndex((r) => r.kind === 'editor.change');
    expect(lastChange).toBeGreaterThan(-1);
    expect(lastChange).toBeLessThan(records.findIndex((r) => r.kind === 'app.pause'));
    const kinds = records.map((r) => r.kind);
    expect(kinds.indexOf('app.blur')).toBeGreaterThan(-1);
    expect(kinds.indexOf('app.focus', kinds.indexOf('app.blur'))).toBeGreaterThan(-1);
  });

  it('says when the disk is full, with the code and the records kept in memory', async () => {
    // The host's disk cannot be filled from here, so the status it would push is put on the wire between them.
    const disk = await page.context().newPage();
    let inject: (payload: unknown) => void = () => undefined;
    await disk.routeWebSocket(/\/ws/, (ws) => {
      ws.connectToServer();
      inject = (payload) => ws.send(JSON.stringify({ t: 'evt', name: 'log.status', payload }));
    });
    await disk.goto(`${url}#/attempt/${encodeURIComponent(attemptId)}`);
    const indicator = disk.getByTestId('saved-indicator');
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('Saved');
    const big = 1_000_000;
    inject({ attemptId, lastSeq: big, durableSeq: big - 42, checkpointSeq: 0, writeError: { code: 'DISK_FULL', message: 'ENOSPC: no space left on device', pendingRecords: 42 } });
    await expect.poll(() => indicator.textContent()).toBe('Disk full — keeping 42 records in memoryDISK_FULL');
    expect(await indicator.getAttribute('data-state')).toBe('error');
    expect(await disk.getByTestId('saved-indicator-code').textContent()).toBe('DISK_FULL');
    await disk.screenshot({ path: join(shots, 'rec-5-disk-full.png') });
    // Space came back: the tail was written.
    inject({ attemptId, lastSeq: big, durableSeq: big, checkpointSeq: big });
    await expect.poll(() => indicator.textContent()).toBe('Saved');
    await disk.close();
  });
});

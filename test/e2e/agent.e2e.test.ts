/**
 * Watching an agent in browser mode: a host serves the app; `redesk agent run` (forwarding to that host) runs a
 * scripted agent built on the MCP SDK's Client. The home list marks the attempt as an agent's; opening it shows the
 * agent's terminal streaming in (read-only) and its tool calls; once the agent submits, the attempt is sealed and
 * the replay view replays its terminal. Screenshots go to test-results/agent-<step>.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { bin, root, shots } from '../support/host';
import { fixtures, readManifest, writeTinyEnv } from '../fixtures/agents/kit';
import { openE2eSession, type E2eSession } from '../support/e2e';

let e2e: E2eSession | undefined;
let runner: ChildProcess | undefined;
let dataDir = '';
let url = '';
let page: Page;

async function shot(step: string): Promise<void> {
  await page.screenshot({ path: join(shots, `agent-${step}.png`) });
}

beforeAll(async () => {
  ({ dataDir, url, page } = e2e = await openE2eSession('agent', { prepare: writeTinyEnv }));
});

afterAll(async () => {
  if (runner && runner.exitCode === null) runner.kill('SIGKILL');
  await e2e?.close();
});

describe('watching an agent attempt in browser mode', () => {
  it('lists it as an agent, streams its terminal and tool calls, then replays it', async () => {
    const go = join(dataDir, 'go');
    runner = spawn(process.execPath, [bin, 'agent', 'run', 'tiny_agent_env', '--data-dir', dataDir, '--name', 'watched-agent', '--model', 'stepper-1', '--json', '--', process.execPath, join(fixtures, 'stepper.mjs')], {
      cwd: root,
      env: { ...process.env, AGENT_GO_FILE: go },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    runner.stdout!.on('data', (d) => (out += d));
    runner.stderr!.on('data', (d) => (err += d));
    const finished = new Promise<number | null>((r) => runner!.on('exit', (code) => r(code)));

    // The home view lists the attempts it finds when it opens: open it once the runner has started the attempt.
    for (let i = 0; i < 300 && !(existsSync(join(dataDir, 'attempts')) && readdirSync(join(dataDir, 'attempts')).length > 0); i++) await sleep(100);
    await page.goto(url);
    const badge = page.getByTestId('attempt-list').getByTestId('agent-badge');
    await badge.first().waitFor({ timeout: 60_000 });
    expect(await badge.first().textContent()).toBe('agent: watched-agent (stepper-1)');
    await page.getByTestId('attempt-list').scrollIntoViewIfNeeded();
    await shot('home');

    await page.getByTestId('attempt-list').locator('tbody tr').first().click();
    await page.getByTestId('agent-watch').waitFor();
    // The terminal streams in, and the calls list grows as the agent works (it waits before submitting).
    await page.waitForFunction(() => document.querySelector('[data-testid="agent-terminal"]')?.textContent?.includes('second-needle'), null, { timeout: 60_000 });
    const terminal = (await page.getByTestId('agent-terminal').textContent()) ?? '';
    expect(terminal).toContain('watch-needle-42');
    expect(terminal).toContain('$ echo watch-needle-$((6 * 7)); ls');
    // The shell's setup line was cleared from the screen; the screen starts with the agent's first command.
    expect(terminal).not.toContain('stty');
    await page.locator('[data-testid="agent-call"][data-tool="note"][data-status="ok"]').waitFor({ timeout: 30_000 });
    const tools = await page.getByTestId('agent-call').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-tool')}:${e.getAttribute('data-status')}`));
    expect(tools.reverse()).toEqual(['bash:ok', 'write_file:ok', 'score:ok', 'bash:ok', 'note:ok']);
    expect(await page.getByTestId('agent-badge').first().textContent()).toContain('watched-agent');
    // The watcher does not drive the agent's attempt.
    expect(await page.getByTestId('new-terminal').count()).toBe(0);
    await shot('live');

    writeFileSync(go, '');
    expect(await finished, err).toBe(0);
    const result = JSON.parse(out) as { attempt: { id: string; state: string; bundle: { file: string } } };
    expect(result.attempt.state).toBe('sealed');
    expect(readManifest(result.attempt.bundle.file).agent).toMatchObject({ name: 'watched-agent', model: 'stepper-1' });
    await page.waitForFunction(() => document.querySelector('[data-testid="attempt-state"]')?.textContent === 'sealed', null, { timeout: 30_000 });
    await page.locator('[data-testid="agent-call"][data-tool="submit"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="agent-call"][data-tool="submit"]').textContent()).toContain('submitted');
    await shot('done');

    // Replay: the agent's terminal as it was recorded, like a human's.
    await page.getByTestId('go-home').click();
    await page.getByTestId(`replay-${result.attempt.id}`).click();
    await page.getByTestId('replay-timeline').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('replay-verify').getAttribute('data-ok')).toBe('true');
    const box = (await page.getByTestId('replay-timeline').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.97, box.y + 10);
    await page.waitForFunction(() => document.querySelector('[data-testid="replay-terminal"]')?.textContent?.includes('second-needle'), null, { timeout: 15_000 });
    await shot('replay');
  });
});

/**
 * A misbehaving agent cannot stop its attempt from being scored and sealed: one that crashes (the runner submits),
 * hangs past the deadline (stopped; the clock expires the attempt), floods its output (capped; stopped when it
 * breaks the protocol), or ignores SIGTERM and leaves a child that ignores it too (the process group is killed).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../main/common/events/record';
import { LogReader } from '../../main/node/recorder/LogReader';
import { bin, ensureBuilt, fixtures, readManifest, redesk, root, writeTinyEnv } from '../fixtures/agents/kit';

beforeAll(() => ensureBuilt(), 120_000);

interface RunOut {
  reason: string;
  killed: boolean;
  problems: string[];
  agentLog: string;
  agentExit: { code: number | null; signal: string | null };
  attempt: { dir: string; state: string; finalScore: number | null; elapsedMs: number; timeLimitMs: number; bundle?: { file: string } };
}

async function run(mode: string, extra: string[] = [], env: Record<string, string> = {}): Promise<RunOut> {
  const dataDir = mkdtempSync(join(tmpdir(), `redesk-agent-${mode}-`));
  writeTinyEnv(dataDir);
  const r = await redesk(['agent', 'run', 'tiny_agent_env', '--data-dir', dataDir, '--name', `misbehave-${mode}`, '--json', ...extra, '--', process.execPath, join(fixtures, 'misbehave.mjs'), mode], { env });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  const out = JSON.parse(r.stdout) as RunOut;
  // Whatever the agent did, the attempt ends scored and sealed into a bundle that names the agent.
  expect(out.attempt.state).toBe('sealed');
  expect(readManifest(out.attempt.bundle!.file).agent).toMatchObject({ name: `misbehave-${mode}` });
  return out;
}

/** Whether the agent has written its answer into the (only) attempt's workspace. */
function answered(dataDir: string): boolean {
  const dir = join(dataDir, 'attempts');
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((id) => existsSync(join(dir, id, 'workspace', 'answer.txt')) && readFileSync(join(dir, id, 'workspace', 'answer.txt'), 'utf8') === '5\n');
}

/** Running, not merely a zombie waiting for whoever adopted it to reap it. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('redesk agent run with a misbehaving agent', () => {
  it('a crash (over HTTP MCP): the runner submits what the agent left', async () => {
    const out = await run('crash', ['--http']);
    expect(out.reason).toBe('exited');
    expect(out.agentExit.code).toBe(3);
    expect(out.attempt.finalScore).toBe(5);
    expect(out.problems.join('\n')).toMatch(/without submitting/);
    // The trajectory says how the agent ran and how it ended.
    const records: EventRecord[] = [];
    for await (const r of new LogReader(out.attempt.dir).records()) records.push(r);
    expect(records.find((r) => r.kind === 'agent.start')?.data).toEqual({ transport: 'http', command: 'node' });
    expect(records.find((r) => r.kind === 'agent.exit')?.data).toMatchObject({ reason: 'exited', code: 3, killed: false });
  }, 120_000);

  it('a hang: stopped at the deadline, the attempt expires and is scored', async () => {
    const out = await run('hang', ['--time-limit-min', '0.05', '--grace', '1']);
    expect(out.reason).toBe('deadline');
    expect(out.attempt.timeLimitMs).toBe(3000);
    expect(out.attempt.elapsedMs).toBeLessThanOrEqual(3000);
    expect(out.attempt.finalScore).toBe(5);
    expect(out.agentExit.signal).toBe('SIGTERM');
  }, 120_000);

  it('a flood of garbage on stdout and stderr: stopped, the log capped, the attempt sealed', async () => {
    const out = await run('flood');
    expect(out.reason).toBe('flood');
    expect(out.problems.join('\n')).toMatch(/line over/);
    expect(out.attempt.finalScore).toBe(8);
    expect(statSync(out.agentLog).size).toBeLessThan(4 * 1024 * 1024 + 1024);
    expect(readFileSync(out.agentLog, 'utf8')).toMatch(/more bytes of agent output were dropped/);
  }, 120_000);

  it('an operator\'s Ctrl-C stops the agent and still submits, scores and seals', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-agent-sigint-'));
    writeTinyEnv(dataDir);
    const p = spawn(process.execPath, [bin, 'agent', 'run', 'tiny_agent_env', '--data-dir', dataDir, '--name', 'interrupted', '--grace', '1', '--json', '--', process.execPath, join(fixtures, 'misbehave.mjs'), 'hang'], { cwd: root });
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    const exit = new Promise<number | null>((r) => p.on('exit', r));
    // Once the agent has written its answer, the runner is interrupted.
    for (let i = 0; i < 300 && !answered(dataDir); i++) await new Promise((r) => setTimeout(r, 100));
    p.kill('SIGINT');
    expect(await exit).toBe(0);
    const out = JSON.parse(stdout) as RunOut;
    expect(out.reason).toBe('interrupted');
    expect(out.attempt).toMatchObject({ state: 'sealed', finalScore: 5 });
  }, 120_000);

  it('ignoring SIGTERM (and a child that ignores it too): killed, and nothing of it is left running', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'redesk-agent-pid-')), 'child.pid');
    const out = await run('ignore-deadline', ['--time-limit-min', '0.05', '--grace', '1'], { AGENT_PIDFILE: pidFile });
    expect(out.reason).toBe('deadline');
    expect(out.killed).toBe(true);
    expect(out.agentExit.signal).toBe('SIGKILL');
    expect(out.attempt.finalScore).toBe(5);
    expect(existsSync(pidFile)).toBe(true);
    const child = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(child)).toBe(false);
  }, 120_000);
});

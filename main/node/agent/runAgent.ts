import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { basename, join } from 'node:path';
import type { AttemptInfo } from '../../common/attempt';
import type { Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import { AgentProcess, type AgentExit } from './AgentProcess';
import type { AgentHost } from './agentHost';
import { serveAgentHttp, type AgentHttpServer } from './agentHttp';
import { createAgentMcpServer } from './agentMcpServer';
import { AgentSession, type AgentLimits } from './AgentSession';

export interface RunAgentOptions {
  host: AgentHost;
  envId: string;
  variant?: string;
  ticket?: string;
  agent: { name: string; model?: string; version?: string };
  /** The agent's command line. */
  argv: string[];
  transport: 'stdio' | 'http';
  timeLimitMinutes?: number;
  /** Between SIGTERM and SIGKILL when the agent is stopped. */
  graceMs?: number;
  cwd?: string;
  /** The runner's environment, passed on to the agent. */
  env?: Record<string, string | undefined>;
  limits?: Partial<AgentLimits>;
  appVersion: string;
  logger: Logger;
  /** How often the runner looks at the attempt's clock and state. */
  pollMs?: number;
  /** Aborted (the operator's Ctrl-C): the agent is stopped, and the attempt submitted, scored and sealed as it is. */
  signal?: AbortSignal;
}

export type StopReason = 'submitted' | 'exited' | 'deadline' | 'flood' | 'interrupted';

export interface RunAgentResult {
  attempt: AttemptInfo;
  /** Why the agent's run ended. */
  reason: StopReason;
  agentExit: AgentExit;
  /** Whether the agent had to be SIGKILLed (it ignored SIGTERM). */
  killed: boolean;
  /** The agent's stderr (and stdout in http mode), capped. */
  agentLog: string;
  problems: string[];
}

const DEFAULT_GRACE_MS = 5_000;
/** After the agent submits it should exit by itself; after this long it is stopped. */
const AFTER_SUBMIT_MS = 5_000;
const DONE = new Set(['scored', 'sealed']);
/** The final scoring runs the scorer once more (bounded by its own timeout); this bounds the wait for it. */
const FINISH_WAIT_MS = 60 * 60_000;
/** Sealing reads the trajectory and the submission once; this bounds the wait for it. */
const SEAL_WAIT_MS = 5 * 60_000;

/**
 * `redesk agent run`: starts an attempt marked as the agent's, serves its MCP server to the agent process (over
 * the agent's stdio, or on loopback HTTP with the URL and token in its environment), watches the clock and stops
 * the agent at expiry (SIGTERM, then SIGKILL, whole process group), and then makes sure the attempt is scored and
 * sealed whatever the agent did: crashed (the runner submits), hung or ignored the deadline (stopped; the clock
 * expires the attempt), flooded its output (capped, or stopped when it breaks the protocol).
 */
export async function runAgent(o: RunAgentOptions): Promise<RunAgentResult> {
  const { api } = o.host;
  const poll = o.pollMs ?? 250;
  const problems: string[] = [];
  const started = await api.attemptStart(o.envId, {
    agent: o.agent,
    ...(o.variant ? { variant: o.variant } : {}),
    ...(o.ticket ? { ticket: o.ticket } : {}),
    ...(o.timeLimitMinutes !== undefined ? { timeLimitMinutes: o.timeLimitMinutes } : {}),
  });
  const id = started.id;
  const session = new AgentSession({ host: o.host, attemptId: id, logger: o.logger, ...(o.limits ? { limits: o.limits } : {}) });
  const makeServer = () => createAgentMcpServer(session, o.appVersion);
  // The trajectory says how the agent ran and how it ended (not its arguments: they may hold keys).
  await api.agentRecord(id, 'agent.start', { transport: o.transport, command: basename(o.argv[0] ?? '') }).catch(() => undefined);
  const agentLog = join(started.dir, 'agent.log');
  let http: AgentHttpServer | undefined;
  let flood: string | undefined;
  let proc: AgentProcess | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  let reason: StopReason = 'exited';
  let killed = false;
  let exit: AgentExit = { code: null, signal: null };
  try {
    if (o.transport === 'http') {
      http = await serveAgentHttp({ makeServer, logger: o.logger });
      closers.push(() => http!.close());
    }
    const env = {
      ...(o.env ?? process.env),
      REDESK_ATTEMPT_ID: id,
      REDESK_MCP_TRANSPORT: o.transport,
      ...(http ? { REDESK_MCP_URL: http.url, REDESK_MCP_TOKEN: http.token } : {}),
    };
    proc = new AgentProcess({ argv: o.argv, env, ...(o.cwd ? { cwd: o.cwd } : {}), mcpOverStdio: o.transport === 'stdio', logFile: agentLog, onFlood: (why) => (flood ??= why) });
    if (o.transport === 'stdio') {
      const server = makeServer();
      const transport = new StdioServerTransport(proc.stdout!, proc.child.stdin!);
      // Garbage on the agent's stdout is the agent's problem: noted, never fatal to the attempt.
      transport.onerror = (e) => {
        if (problems.length < 20) problems.push(`MCP stdio: ${e.message}`);
      };
      await server.connect(transport);
      closers.push(() => server.close());
    }
    reason = await watch(o, id, proc, () => flood, poll);
    if (reason === 'flood') problems.push(flood!);
    if (reason === 'interrupted') problems.push('the run was interrupted; the agent was stopped and its workspace submitted');
    if (reason === 'submitted') await Promise.race([proc.exited, new Promise((r) => setTimeout(r, AFTER_SUBMIT_MS))]);
    const stopped = await proc.stop(o.graceMs ?? DEFAULT_GRACE_MS);
    proc.reapGroup();
    exit = stopped.exit;
    killed = stopped.killed;
    // Recorded while the attempt still runs (a crash, an interrupt); after expiry or submit the record is closed.
    await api.agentRecord(id, 'agent.exit', { reason, code: exit.code, signal: exit.signal, killed }).catch(() => undefined);
  } catch (e) {
    problems.push(`runner: ${(e as Error).message}`);
    if (proc?.running) killed = (await proc.stop(o.graceMs ?? DEFAULT_GRACE_MS)).killed;
  } finally {
    for (const c of closers) await c().catch(() => undefined);
    await session.dispose();
    await proc?.closeLog();
  }
  const attempt = await finish(o, id, poll, problems);
  return { attempt, reason, agentExit: exit, killed, agentLog, problems };
}

/** Waits until the agent exits, submits, breaks the protocol, or the clock runs out. */
async function watch(o: RunAgentOptions, id: string, proc: AgentProcess, flood: () => string | undefined, poll: number): Promise<StopReason> {
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const aborted = new Promise<void>((r) => (o.signal?.aborted ? r() : o.signal?.addEventListener('abort', () => r(), { once: true })));
  for (;;) {
    if (o.signal?.aborted) return 'interrupted';
    if (flood()) return 'flood';
    const info = await o.host.api.attemptStatus(id);
    if (exited) return info.state === 'expired' ? 'deadline' : info.state === 'running' || info.state === 'paused' ? 'exited' : 'submitted';
    if (info.state === 'expired' || (info.state === 'running' && info.remainingMs <= 0)) return 'deadline';
    // Submitted: the agent's submit call returns once the final score is in and the bundle sealed; then it may exit.
    if (DONE.has(info.state)) return 'submitted';
    // Sleep until the next look, or the deadline, or the agent's exit, whichever is first.
    await Promise.race([proc.exited, aborted, new Promise((r) => setTimeout(r, Math.max(20, Math.min(poll, info.remainingMs))))]);
  }
}

/**
 * The attempt after the agent is gone: an attempt still running is submitted (the agent crashed or quit), one the
 * clock expired is scored by the host; either way this waits until it is scored and sealed.
 */
async function finish(o: RunAgentOptions, id: string, poll: number, problems: string[]): Promise<AttemptInfo> {
  const { api } = o.host;
  let info = await api.attemptStatus(id);
  if (info.state === 'running' || info.state === 'paused') {
    if (info.remainingMs > 0 && !o.signal?.aborted) problems.push('the agent stopped without submitting; the runner submitted its workspace');
    try {
      info = await api.attemptSubmit(id);
    } catch (e) {
      // The clock may have expired it meanwhile; the host scores it then.
      if (!(e instanceof RedeskError) || e.code !== 'ATTEMPT_BAD_STATE') throw e;
    }
  }
  const deadline = Date.now() + FINISH_WAIT_MS;
  while (!DONE.has(info.state)) {
    if (Date.now() > deadline) throw new RedeskError('INTERNAL', `attempt ${id} was not scored within ${FINISH_WAIT_MS / 60_000} min of the agent's end (state ${info.state})`);
    await new Promise((r) => setTimeout(r, poll));
    info = await api.attemptStatus(id);
  }
  // The seal follows the final score in the same step; a seal that fails leaves the attempt scored (and says why).
  const sealBy = Date.now() + SEAL_WAIT_MS;
  while (info.state === 'scored' && Date.now() < sealBy) {
    await new Promise((r) => setTimeout(r, poll));
    info = await api.attemptStatus(id);
  }
  if (info.state !== 'sealed') problems.push('the attempt is scored but was not sealed; see the log, and run `redesk bundle export`');
  return info;
}

import type { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RedeskError } from '../../common/errors';
import { defaultDataDir } from '../../node/appPaths';
import type { AgentHost } from '../../node/agent/agentHost';
import { serveAgentHttp } from '../../node/agent/agentHttp';
import { createAgentMcpServer } from '../../node/agent/agentMcpServer';
import { AgentSession } from '../../node/agent/AgentSession';
import { runAgent, type RunAgentResult } from '../../node/agent/runAgent';
import { appVersion, createServices } from '../../node/services';
import { readLock } from '../../node/store/DataDirLock';
import { consoleLogger } from '../../node/systemClock';
import { packageRoot } from '../../node/appPaths';
import { connectRemoteApi } from '../RemoteApi';
import { fail, fmtScore, print } from '../output';

interface HostHandle extends AgentHost {
  via: 'in-process' | 'host';
  close(): Promise<void>;
}

/**
 * The host an agent works through: a live app or browser-mode host that holds the data folder (then the app shows
 * the agent's attempt as it runs), or services in this process, resident for the run (the clock held, as an app does).
 */
async function openAgentHost(dataDir: string | undefined): Promise<HostHandle> {
  const dir = dataDir ?? defaultDataDir();
  const lock = await readLock(dir);
  if (lock?.alive && lock.host) {
    const remote = await connectRemoteApi(lock.host.port, lock.host.token);
    return { api: remote.api, onEvent: remote.onEvent, via: 'host', close: async () => remote.close() };
  }
  const s = await createServices({ dataDir: dir, mode: 'browser', logger: consoleLogger() });
  return { api: s.api, onEvent: (l) => s.events.on(l), via: 'in-process', close: () => s.dispose() };
}

interface RunOpts {
  dataDir?: string;
  variant?: string;
  ticket?: string;
  name: string;
  model?: string;
  agentVersion?: string;
  timeLimitMin?: string;
  http?: boolean;
  grace?: string;
  json?: boolean;
}

function describeRun(r: RunAgentResult): string {
  const a = r.attempt;
  const lines = [
    `${a.id}  ${a.envId}@${a.envVersion}  ${a.state}  agent ${a.agent?.name ?? '?'}${a.agent?.model ? ` (${a.agent.model})` : ''}`,
    `  the agent's run ended: ${r.reason}; exit ${r.agentExit.code ?? r.agentExit.signal ?? '?'}${r.killed ? ' (killed)' : ''}`,
    `  scores ${a.scores.length}; final ${fmtScore(a.finalScore)}, normalized ${fmtScore(a.normalizedScore)}`,
    `  bundle ${a.bundle?.file ?? 'not sealed'}`,
    `  agent log ${r.agentLog}`,
  ];
  for (const p of r.problems) lines.push(`  note: ${p}`);
  return lines.join('\n');
}

function minutes(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new RedeskError('BAD_REQUEST', `--time-limit-min must be a positive number, got ${JSON.stringify(v)}.`);
  return n;
}

export function registerAgentCommands(program: Command): void {
  const agent = program.command('agent').description('AI agents in the same seat: an MCP server for an attempt, and a headless runner');
  const version = appVersion(packageRoot());

  agent
    .command('run <env>')
    .description('start an agent attempt, run the agent command connected to its MCP server, then score and seal it')
    .argument('<command...>', 'the agent command, after --')
    .option('--data-dir <dir>', 'data directory (default: the OS app-data folder)')
    .option('--variant <name>', "environment variant (default: the env's default)")
    .option('--ticket <file>', "the organizer's ticket.json; without one the attempt is practice")
    .requiredOption('--name <name>', "the agent's name (in the bundle and reports)")
    .option('--model <model>', 'the model the agent runs')
    .option('--agent-version <v>', "the agent's version")
    .option('--time-limit-min <minutes>', "a shorter time limit than the environment's")
    .option('--http', 'serve MCP on loopback HTTP (REDESK_MCP_URL, REDESK_MCP_TOKEN in its environment) instead of its stdio')
    .option('--grace <seconds>', 'between SIGTERM and SIGKILL when the agent is stopped', '5')
    .option('--json', 'print a JSON summary')
    .action(async (envId: string, argv: string[], o: RunOpts) => {
      let host: HostHandle | undefined;
      try {
        if (!argv.length) throw new RedeskError('AGENT_BAD_COMMAND', 'No agent command: give it after --, e.g. `redesk agent run prefix_sum_mini --name a -- python agent.py`.');
        const timeLimitMinutes = minutes(o.timeLimitMin);
        host = await openAgentHost(o.dataDir);
        // Ctrl-C stops the agent, not the run: the attempt is still submitted, scored and sealed.
        const interrupt = new AbortController();
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => interrupt.abort());
        const r = await runAgent({
          signal: interrupt.signal,
          host,
          envId,
          ...(o.variant ? { variant: o.variant } : {}),
          ...(o.ticket ? { ticket: resolve(o.ticket) } : {}),
          agent: { name: o.name, ...(o.model ? { model: o.model } : {}), ...(o.agentVersion ? { version: o.agentVersion } : {}) },
          argv,
          transport: o.http ? 'http' : 'stdio',
          ...(timeLimitMinutes !== undefined ? { timeLimitMinutes } : {}),
          graceMs: Math.max(0, Number(o.grace ?? 5)) * 1000,
          appVersion: version,
          logger: consoleLogger(),
        });
        print(!!o.json, r, () => describeRun(r));
      } catch (e) {
        fail(e, !!o.json);
      } finally {
        await host?.close();
      }
    });

  agent
    .command('serve <attempt-id>')
    .description("serve a running attempt's MCP server: over this process's stdio, or on loopback HTTP with a token")
    .option('--data-dir <dir>', 'data directory (default: the OS app-data folder)')
    .option('--stdio', 'speak MCP over stdin/stdout (the default)')
    .option('--port <n>', 'serve Streamable HTTP on 127.0.0.1:<n> (0: any free port) instead')
    .option('--token-file <file>', 'with --port: write the bearer token here (mode 0600) rather than printing it')
    .action(async (attemptId: string, o: { dataDir?: string; stdio?: boolean; port?: string; tokenFile?: string }) => {
      const logger = consoleLogger();
      let host: HostHandle | undefined;
      try {
        if (o.stdio && o.port !== undefined) throw new RedeskError('BAD_REQUEST', 'Choose --stdio or --port, not both.');
        host = await openAgentHost(o.dataDir);
        const info = await host.api.attemptStatus(attemptId);
        if (info.state !== 'running' && info.state !== 'paused') {
          throw new RedeskError('AGENT_ATTEMPT_OVER', `Attempt ${attemptId} is ${info.state}; an agent can work only on a running attempt.`);
        }
        const session = new AgentSession({ host, attemptId, logger });
        const h = host;
        let closing = false;
        const shutdown = async (closeServer: () => Promise<unknown>) => {
          if (closing) return;
          closing = true;
          await closeServer().catch(() => undefined);
          await session.dispose();
          await h.close();
          process.exit(0);
        };
        if (o.port !== undefined) {
          const port = Number(o.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RedeskError('BAD_REQUEST', `--port must be a port number, got ${JSON.stringify(o.port)}.`);
          const http = await serveAgentHttp({ port, makeServer: () => createAgentMcpServer(session, version), logger });
          if (o.tokenFile) await writeFile(o.tokenFile, `${http.token}\n`, { mode: 0o600 });
          process.stdout.write(`redesk: MCP for ${attemptId} at ${http.url}\n${o.tokenFile ? `redesk: bearer token in ${o.tokenFile}` : `redesk: bearer token ${http.token}`}\n`);
          for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown(() => http.close()));
        } else {
          const server = createAgentMcpServer(session, version);
          await server.connect(new StdioServerTransport());
          process.stdin.on('end', () => void shutdown(() => server.close()));
          for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown(() => server.close()));
        }
      } catch (e) {
        await host?.close().catch(() => undefined);
        fail(e, false);
      }
    });
}

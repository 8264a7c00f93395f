#!/usr/bin/env node
// Agents (issue 7): the round trip of a `bash` tool call running `true` through the MCP SDK's Client (in-memory
// transport, and Streamable HTTP on loopback with the bearer token), p50 and p99 (goal p50 < 20 ms); and the score
// tool's overhead beyond the scorer's own run (tool time − the scorer process's time, as the score row says).
//   node scripts/bench/agent.mjs [--calls N] [--scores M]
import { loadSources } from './loadSources.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({ options: { calls: { type: 'string', default: '300' }, scores: { type: 'string', default: '20' } } });
if (!existsSync(join(root, 'dist', 'node', 'ptyHost.js'))) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });

const mod = await loadSources('agent', `export { createServices } from './main/node/services';
      export { AgentSession } from './main/node/agent/AgentSession';
      export { createAgentMcpServer } from './main/node/agent/agentMcpServer';
      export { serveAgentHttp } from './main/node/agent/agentHttp';
      export { silentLogger } from './main/node/systemClock';
      export { Client } from '@modelcontextprotocol/sdk/client/index.js';
      export { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
      export { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';`);

const dir = await mkdtemp(join(tmpdir(), 'redesk-bench-agent-'));
const env = join(dir, 'data', 'envs', 'bench_env');
await mkdir(join(env, 'starter'), { recursive: true });
await writeFile(join(env, 'starter', 'answer.txt'), '8\n');
await writeFile(join(env, 'README.md'), '# Bench\n');
await writeFile(join(env, 'score.sh'), '#!/bin/sh\necho "{\\"score\\": $(cat "$1/answer.txt"), \\"message\\": \\"ok\\", \\"details\\": {}}"\n');
await writeFile(
  join(env, 'env.json'),
  JSON.stringify({
    id: 'bench_env', version: '1.0.0', title: 'Bench', instructions: 'README.md', timeLimitMinutes: 60, pause: { allowed: true }, starter: 'starter',
    scorer: { argv: ['sh', 'score.sh', '{workspace}'], timeoutSeconds: 20, files: ['score.sh'] },
    score: { direction: 'min', aggregate: 'best', start: 10, reference: 2 },
  }),
);

const s = await mod.createServices({ dataDir: join(dir, 'data'), mode: 'browser', logger: mod.silentLogger, samplers: () => [] });
const attempt = await s.api.attemptStart('bench_env', { agent: { name: 'bench' } });
const session = new mod.AgentSession({ host: { api: s.api, onEvent: (l) => s.events.on(l) }, attemptId: attempt.id, logger: mod.silentLogger });

const pct = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))];
};
const f = (x) => `${x.toFixed(2)} ms`;

async function bashRoundTrips(client, n) {
  for (let i = 0; i < 20; i++) await client.callTool({ name: 'bash', arguments: { command: 'true' } });
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await client.callTool({ name: 'bash', arguments: { command: 'true' } });
    times.push(performance.now() - t0);
    if (r.isError || r.structuredContent.exitCode !== 0) throw new Error(`bash failed: ${JSON.stringify(r)}`);
  }
  return times;
}

try {
  const [a, b] = mod.InMemoryTransport.createLinkedPair();
  await mod.createAgentMcpServer(session, 'bench').connect(a);
  const client = new mod.Client({ name: 'bench', version: '1' });
  await client.connect(b);
  const n = Number(args.calls);
  const mem = await bashRoundTrips(client, n);
  console.log(`bash \`true\` round trip, SDK client (in-memory transport), ${n} calls: p50 ${f(pct(mem, 50))}, p99 ${f(pct(mem, 99))}   (goal p50 < 20 ms)`);

  const http = await mod.serveAgentHttp({ makeServer: () => mod.createAgentMcpServer(session, 'bench'), logger: mod.silentLogger });
  const hc = new mod.Client({ name: 'bench-http', version: '1' });
  await hc.connect(new mod.StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${http.token}` } } }));
  const overHttp = await bashRoundTrips(hc, n);
  console.log(`bash \`true\` round trip, SDK client over Streamable HTTP (loopback, token), ${n} calls: p50 ${f(pct(overHttp, 50))}, p99 ${f(pct(overHttp, 99))}`);
  await hc.close();
  await http.close();

  const m = Number(args.scores);
  const overhead = [];
  const scorer = [];
  for (let i = 0; i < m; i++) {
    const t0 = performance.now();
    const r = await client.callTool({ name: 'score', arguments: {} });
    const total = performance.now() - t0;
    if (r.isError) throw new Error(`score failed: ${JSON.stringify(r)}`);
    scorer.push(r.structuredContent.durationMs);
    overhead.push(total - r.structuredContent.durationMs);
  }
  console.log(`score tool, ${m} calls: scorer's own run p50 ${f(pct(scorer, 50))}; overhead beyond it p50 ${f(pct(overhead, 50))}, p99 ${f(pct(overhead, 99))}`);
  await client.close();
} finally {
  await session.dispose();
  await s.dispose();
  await rm(dir, { recursive: true, force: true });
}

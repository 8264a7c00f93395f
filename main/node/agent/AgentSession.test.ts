/**
 * The agent's tools through the MCP SDK's own client (in-memory transport) against real services and a real pty
 * host: shell output and exit codes, the caps, path confinement, refusal after submit, and what is recorded.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../common/events/record';
import { LogReader } from '../recorder/LogReader';
import { buildTestHost } from '../pty/testKit';
import { createServices, type Services } from '../services';
import { silentLogger } from '../systemClock';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { request } from 'node:http';
import { serveAgentHttp } from './agentHttp';
import { createAgentMcpServer, INSTRUCTIONS_URI } from './agentMcpServer';
import { AgentSession } from './AgentSession';

let host: { entry: string; cleanup: () => void };
let root: string;
let s: Services;
let session: AgentSession;
let client: Client;
let attempt: { id: string; dir: string; workspace: string };

type ToolOut = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };
const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as ToolOut;

beforeAll(async () => {
  host = await buildTestHost();
  root = await mkdtemp(join(tmpdir(), 'redesk-agent-session-'));
  const env = join(root, 'envs', 'tiny_env');
  await mkdir(join(env, 'starter'), { recursive: true });
  await writeFile(join(env, 'starter', 'answer.txt'), '8\n');
  await writeFile(join(env, 'README.md'), '# Tiny\nWrite the smallest number into answer.txt.\n');
  await writeFile(join(env, 'score.sh'), '#!/bin/sh\necho "{\\"score\\": $(cat "$1/answer.txt"), \\"message\\": \\"ok\\", \\"details\\": {}}"\n');
  await writeFile(
    join(env, 'env.json'),
    JSON.stringify({
      id: 'tiny_env', version: '1.0.0', title: 'Tiny', instructions: 'README.md', timeLimitMinutes: 60, pause: { allowed: true }, starter: 'starter',
      scorer: { argv: ['sh', 'score.sh', '{workspace}'], timeoutSeconds: 20, files: ['score.sh'] },
      score: { direction: 'min', aggregate: 'best', start: 10, reference: 2 },
    }),
  );
  s = await createServices({ dataDir: join(root, 'data'), mode: 'browser', logger: silentLogger, paths: { envDirs: [join(root, 'envs')], ptyHostEntry: host.entry }, samplers: () => [] });
  attempt = await s.api.attemptStart('tiny_env', { agent: { name: 'test-agent', model: 'scripted' } });
  session = new AgentSession({ host: { api: s.api, onEvent: (l) => s.events.on(l) }, attemptId: attempt.id, logger: silentLogger, limits: { maxOutputChars: 4096, maxWriteBytes: 1000, maxCallOutputChars: 300_000 } });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await createAgentMcpServer(session, 'test').connect(a);
  client = new Client({ name: 'test-client', version: '1' });
  await client.connect(b);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await session?.dispose();
  await s?.dispose();
  host?.cleanup();
  await rm(root, { recursive: true, force: true });
});

describe('agent tools', () => {
  it('lists the tools and serves the instructions', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['bash', 'list_files', 'note', 'read_file', 'report_usage', 'score', 'score_log', 'submit', 'time_left', 'write_file']);
    const r = await client.readResource({ uri: INSTRUCTIONS_URI });
    expect((r.contents[0] as { text: string }).text).toContain('smallest number');
  });

  it('serves HTTP on loopback to the bearer token only', async () => {
    const http = await serveAgentHttp({ makeServer: () => createAgentMcpServer(session, 'test'), logger: silentLogger });
    try {
      expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
      const post = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const u = new URL(http.url);
          const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end(init);
        });
      expect(await post({})).toBe(401);
      expect(await post({ authorization: `Bearer ${http.token}x` })).toBe(401);
      expect(await post({ authorization: 'Basic abc' })).toBe(401);
      expect(await post({ authorization: `Bearer ${http.token}`, host: 'evil.example:80' })).toBe(403);
      const c = new Client({ name: 'http-client', version: '1' });
      await c.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${http.token}` } } }));
      const r = (await c.callTool({ name: 'time_left', arguments: {} })) as ToolOut;
      expect(r.structuredContent).toMatchObject({ state: 'running' });
      await c.close();
      const bad = new Client({ name: 'bad', version: '1' });
      await expect(bad.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: 'Bearer nope' } } }))).rejects.toThrow();
    } finally {
      await http.close();
    }
  });

  it('refuses tool calls once the clock has expired the attempt', async () => {
    const short = await s.api.attemptStart('tiny_env', { agent: { name: 'late-agent' }, timeLimitMinutes: 0.01 });
    const late = new AgentSession({ host: { api: s.api, onEvent: (l) => s.events.on(l) }, attemptId: short.id, logger: silentLogger });
    try {
      for (let i = 0; i < 100 && (await s.api.attemptStatus(short.id)).state === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
      await expect(late.bash('echo hi')).rejects.toMatchObject({ code: 'AGENT_ATTEMPT_OVER' });
      await expect(late.writeFile('a.txt', 'x')).rejects.toMatchObject({ code: 'AGENT_ATTEMPT_OVER' });
    } finally {
      await late.dispose();
    }
  });

  it('gives the agent a bash when the user\'s shell is another one', async () => {
    // A host of its own, whose pty host starts with SHELL=/bin/sh (it takes the environment when it is forked).
    const shell = process.env.SHELL;
    process.env.SHELL = '/bin/sh';
    const s2 = await createServices({ dataDir: join(root, 'data-sh'), mode: 'browser', logger: silentLogger, paths: { envDirs: [join(root, 'envs')], ptyHostEntry: host.entry }, samplers: () => [] });
    const other = await s2.api.attemptStart('tiny_env', { agent: { name: 'sh-user' } });
    const agent = new AgentSession({ host: { api: s2.api, onEvent: (l) => s2.events.on(l) }, attemptId: other.id, logger: silentLogger });
    try {
      const r = await agent.bash('echo "bash ${BASH_VERSION%%.*}"; cd /tmp; false');
      expect(r.output).toMatch(/^bash \d+\n$/);
      expect(r.exitCode).toBe(1);
      expect((await agent.bash('pwd')).output).toBe('/tmp\n');
      const records: EventRecord[] = [];
      await s2.api.attemptSubmit(other.id);
      for await (const rec of new LogReader(other.dir).records()) records.push(rec);
      expect(records.find((x) => x.kind === 'pty.open')?.data).toMatchObject({ shell: '/bin/sh' });
    } finally {
      if (shell === undefined) delete process.env.SHELL;
      else process.env.SHELL = shell;
      await agent.dispose();
      await s2.dispose();
    }
  });

  it('runs commands in a persistent shell in the workspace, with output and exit codes', async () => {
    const pwd = await call('bash', { command: 'pwd' });
    expect(pwd.structuredContent).toMatchObject({ exitCode: 0, timedOut: false });
    expect((pwd.structuredContent!.output as string).trim()).toBe(attempt.workspace);
    await call('bash', { command: 'mkdir -p sub && cd sub && export FOO=bar' });
    const again = await call('bash', { command: 'echo "$FOO in $(basename "$PWD")"; exit_code_test() { return 3; }; exit_code_test' });
    expect(again.structuredContent).toMatchObject({ output: 'bar in sub\n', exitCode: 3 });
    expect(again.content[0]!.text).toContain('[exit code: 3]');
    const multi = await call('bash', { command: "cd ..\ncat <<'EOF'\nline 'one'\nEOF\nfalse" });
    expect(multi.structuredContent).toMatchObject({ output: "line 'one'\n", exitCode: 1 });
    // The environment kit imports in the attempt's terminals as it does while scoring (a scaffold's rust.check).
    const kit = await call('bash', { command: 'python3 -c "import redesk_envkit.rust; print(\'kit ok\')"' });
    expect(kit.structuredContent).toMatchObject({ output: 'kit ok\n', exitCode: 0 });
  });

  it('caps output (head and tail kept) and kills a command that outlives its timeout', async () => {
    const flood = await call('bash', { command: 'seq 1 20000' });
    const out = flood.structuredContent!.output as string;
    expect(out.startsWith('1\n2\n3\n')).toBe(true);
    expect(out.trimEnd().endsWith('19999\n20000')).toBe(true);
    expect(out).toMatch(/characters of output elided/);
    expect(out.length).toBeLessThan(4096 + 200);
    expect(flood.structuredContent!.note).toMatch(/left out/);
    const slow = await call('bash', { command: 'echo started; sleep 30', timeout_s: 1 });
    expect(slow.structuredContent).toMatchObject({ timedOut: true, exitCode: null });
    expect(slow.structuredContent!.note).toMatch(/timed out/);
    const yes = await call('bash', { command: 'yes flood', timeout_s: 60 });
    expect(yes.structuredContent).toMatchObject({ flooded: true, exitCode: null, timedOut: false });
    expect(yes.structuredContent!.note).toMatch(/printed over 300000 characters and was stopped/);
    const after = await call('bash', { command: 'echo alive' });
    expect(after.structuredContent).toMatchObject({ output: 'alive\n', exitCode: 0 });
    expect(after.structuredContent!.note).toMatch(/new shell/);
  }, 30_000);

  it('keeps the file tools inside the workspace and caps writes', async () => {
    const w = await call('write_file', { path: 'dir/a.txt', content: 'hello' });
    expect(w.structuredContent).toMatchObject({ path: 'dir/a.txt', size: 5 });
    expect((await call('read_file', { path: 'dir/a.txt' })).structuredContent).toMatchObject({ content: 'hello' });
    const files = (await call('list_files')).structuredContent!.files as { path: string }[];
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['answer.txt', 'dir/a.txt']));
    await mkdir(join(root, 'outside'), { recursive: true });
    await writeFile(join(root, 'outside', 'secret.txt'), 'secret');
    await symlink(join(root, 'outside'), join(attempt.workspace, 'link'));
    for (const [tool, path] of [
      ['read_file', '../state.json'],
      ['read_file', '/etc/passwd'],
      ['read_file', 'link/secret.txt'],
      ['write_file', '../escape.txt'],
      ['write_file', '/tmp/escape.txt'],
      ['write_file', 'link/escape.txt'],
    ] as const) {
      const r = await call(tool, { path, content: 'x' });
      expect(r.isError, `${tool} ${path}`).toBe(true);
      expect(r.structuredContent).toMatchObject({ error: { code: 'PATH_ESCAPES_WORKSPACE' } });
    }
    const big = await call('write_file', { path: 'big.txt', content: 'x'.repeat(1001) });
    expect(big.structuredContent).toMatchObject({ error: { code: 'FILE_TOO_LARGE' } });
    expect(big.content[0]!.text).toMatch(/Nothing was written/);
  });

  it('scores, keeps usage and notes, submits, and refuses every call afterwards', async () => {
    await call('write_file', { path: 'answer.txt', content: '4\n' });
    expect((await call('score')).structuredContent).toMatchObject({ score: 4, normalized: 0.75 });
    expect(((await call('score_log')).structuredContent!.scores as unknown[]).length).toBe(1);
    expect((await call('time_left')).structuredContent).toMatchObject({ state: 'running' });
    await call('note', { text: 'tried 4' });
    await call('report_usage', { input_tokens: 100, output_tokens: 20, cost_usd: 0.5 });
    await call('report_usage', { input_tokens: 50, output_tokens: 5 });
    const sub = await call('submit');
    expect(sub.isError).toBeFalsy();
    expect(sub.structuredContent).toMatchObject({ state: 'sealed', finalScore: 4 });
    for (const tool of ['bash', 'score', 'write_file', 'submit']) {
      const r = await call(tool, { command: 'true', path: 'a', content: 'b' });
      expect(r.structuredContent, tool).toMatchObject({ error: { code: 'AGENT_ATTEMPT_OVER' } });
    }
    const info = await s.api.attemptStatus(attempt.id);
    expect(info.agent).toMatchObject({ name: 'test-agent', model: 'scripted', usage: { inputTokens: 150, outputTokens: 25, costUsd: 0.5, reports: 2 } });

    const records: EventRecord[] = [];
    for await (const r of new LogReader(attempt.dir).records()) records.push(r);
    const agent = records.filter((r) => r.src === 'agent');
    const calls = agent.filter((r) => r.kind === 'agent.call').map((r) => (r.data as { tool: string }).tool);
    expect(calls.slice(0, 4)).toEqual(['time_left', 'bash', 'bash', 'bash']);
    expect(calls).toContain('submit');
    const results = agent.filter((r) => r.kind === 'agent.result');
    expect(results.length).toBe(calls.length - 1);
    expect(results.every((r) => typeof (r.data as { durationMs: number }).durationMs === 'number')).toBe(true);
    // The flood's output went into the record by size and hash; the terminal records hold the bytes.
    expect(JSON.stringify(results)).toMatch(/"sha256":"[0-9a-f]{64}"/);
    expect(agent.some((r) => r.kind === 'agent.note' && (r.data as { text: string }).text === 'tried 4')).toBe(true);
    expect(records.some((r) => r.kind === 'pty.output' && String((r.data as { data: string }).data).includes('$ pwd'))).toBe(true);
  }, 30_000);
});

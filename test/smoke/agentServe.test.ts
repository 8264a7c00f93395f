/**
 * `redesk agent serve <attempt-id>` with the built CLI: over Streamable HTTP on loopback (bearer token in a 0600
 * file, refused without it), and over stdio as an MCP client launches it (the SDK's StdioClientTransport).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuilt, redesk, root, writeTinyEnv } from '../fixtures/agents/kit';

beforeAll(() => ensureBuilt(), 120_000);

type ToolOut = { isError?: boolean; structuredContent?: Record<string, unknown> };

describe('redesk agent serve', () => {
  it('serves a running attempt over HTTP to the token holder, then over stdio', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-agent-serve-'));
    writeTinyEnv(dataDir);
    const start = await redesk(['attempt', 'start', 'tiny_agent_env', '--data-dir', dataDir, '--json']);
    expect(start.code, start.stderr).toBe(0);
    const id = (JSON.parse(start.stdout) as { id: string }).id;

    const tokenFile = join(dataDir, 'mcp.token');
    const server = spawn(process.execPath, [bin, 'agent', 'serve', id, '--data-dir', dataDir, '--port', '0', '--token-file', tokenFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => server.on('exit', r));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d) => {
          out += d;
          const m = /MCP for \S+ at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(out);
          if (m && out.includes('bearer token in')) resolve(m[1]!);
        });
        server.on('exit', (code) => reject(new Error(`agent serve exited ${code}`)));
      });
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenFile, 'utf8').trim();
      const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, body: '{}' });
      expect(refused.status).toBe(401);
      const c = new Client({ name: 'smoke', version: '1' });
      await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      const r = (await c.callTool({ name: 'bash', arguments: { command: 'cat answer.txt; echo served-over-http' } })) as ToolOut;
      expect(r.structuredContent).toMatchObject({ output: '8\nserved-over-http\n', exitCode: 0 });
      await c.close();
    } finally {
      server.kill('SIGTERM');
      await exited;
    }

    const c = new Client({ name: 'smoke-stdio', version: '1' });
    await c.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'agent', 'serve', id, '--data-dir', dataDir, '--stdio'], cwd: root, stderr: 'pipe' }));
    const w = (await c.callTool({ name: 'write_file', arguments: { path: 'answer.txt', content: '2\n' } })) as ToolOut;
    expect(w.isError).toBeFalsy();
    const s = (await c.callTool({ name: 'score', arguments: {} })) as ToolOut;
    expect(s.structuredContent).toMatchObject({ score: 2, normalized: 1 });
    const sub = (await c.callTool({ name: 'submit', arguments: {} })) as ToolOut;
    expect(sub.structuredContent).toMatchObject({ state: 'sealed', finalScore: 2 });
    const after = (await c.callTool({ name: 'bash', arguments: { command: 'true' } })) as ToolOut;
    expect(after.structuredContent).toMatchObject({ error: { code: 'AGENT_ATTEMPT_OVER' } });
    await c.close();
  }, 120_000);
});

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toErrorData } from '../../common/errors';
import type { AgentSession } from './AgentSession';

export const INSTRUCTIONS_URI = 'redesk://instructions';

const SERVER_INSTRUCTIONS = `You are working on a timed research-engineering task in a redesk attempt.
Read the task at ${INSTRUCTIONS_URI}. Work in the workspace with the bash and file tools; call score to measure your
solution (as often as you like: the best or last score counts, as the instructions say), time_left to see the clock,
and submit when you are done. Everything you do is recorded. When the time is up the attempt ends by itself.`;

function ok(value: unknown, text?: string): CallToolResult {
  return { content: [{ type: 'text', text: text ?? JSON.stringify(value, null, 2) }], structuredContent: value as Record<string, unknown> };
}

/** Tool errors go back to the agent as results (isError), with the stable code first, so it can read and react. */
async function run(fn: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (e) {
    const error = toErrorData(e);
    return {
      isError: true,
      content: [{ type: 'text', text: `${error.code}: ${error.message}${error.hint ? `\n${error.hint}` : ''}` }],
      structuredContent: { error: { code: error.code, message: error.message } },
    };
  }
}

/**
 * The MCP server of one attempt, on the official SDK: the tools of an AgentSession and the instructions as a
 * resource. Transport-free: the caller connects it to stdio or Streamable HTTP.
 */
export function createAgentMcpServer(session: AgentSession, version: string): McpServer {
  const server = new McpServer({ name: 'redesk', version }, { instructions: SERVER_INSTRUCTIONS });
  const L = session.limits;

  server.registerResource(
    'instructions',
    INSTRUCTIONS_URI,
    { title: 'Task instructions', description: 'The environment instructions for this attempt (Markdown).', mimeType: 'text/markdown' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: await session.instructions() }] }),
  );

  server.registerTool(
    'bash',
    {
      description: `Runs a shell command in the attempt's terminal, in the workspace (the shell persists between calls: cd and variables stay). Returns the output (over ${L.maxOutputChars} characters the middle is left out) and the exit code. timeout_s defaults to ${L.defaultTimeoutS} (at most ${L.maxTimeoutS}); on timeout the command is killed and the shell restarted.`,
      inputSchema: { command: z.string().min(1), timeout_s: z.number().positive().max(L.maxTimeoutS).optional() },
    },
    ({ command, timeout_s }) =>
      run(async () => {
        const r = await session.bash(command, timeout_s);
        const tail = `[exit code: ${r.exitCode === null ? 'none' : r.exitCode}${r.note ? `; ${r.note}` : ''}]`;
        return ok(r, `${r.output}${r.output && !r.output.endsWith('\n') ? '\n' : ''}${tail}`);
      }),
  );
  server.registerTool(
    'read_file',
    { description: 'Reads a text file of the workspace (path relative to the workspace).', inputSchema: { path: z.string().min(1) } },
    ({ path }) => run(async () => ok(await session.readFile(path))),
  );
  server.registerTool(
    'write_file',
    {
      description: `Writes a text file in the workspace (path relative to the workspace; folders are made). At most ${L.maxWriteBytes} bytes.`,
      inputSchema: { path: z.string().min(1), content: z.string() },
    },
    ({ path, content }) => run(async () => ok(await session.writeFile(path, content))),
  );
  server.registerTool('list_files', { description: 'Lists the files and folders of the workspace.' }, () => run(async () => ok(await session.listFiles())));
  server.registerTool('score', { description: "Runs the environment's scorer on the workspace now and returns the score row." }, () =>
    run(async () => ok(await session.score())),
  );
  server.registerTool('score_log', { description: 'Every score so far, with the direction (min/max) and which counts (best/last).' }, () =>
    run(async () => ok(await session.scoreLog())),
  );
  server.registerTool('time_left', { description: 'Time left on the attempt clock, in milliseconds.' }, () => run(async () => ok(await session.timeLeft())));
  server.registerTool(
    'note',
    { description: 'Adds a note to the attempt record (what you tried, why).', inputSchema: { text: z.string().min(1).max(L.maxNoteChars) } },
    ({ text }) => run(async () => ok(await session.note(text))),
  );
  server.registerTool(
    'report_usage',
    {
      description: 'Reports the tokens (and cost) the agent spent since its last report; summed into the result bundle for cost views.',
      inputSchema: {
        input_tokens: z.number().int().nonnegative(),
        output_tokens: z.number().int().nonnegative(),
        model: z.string().max(100).optional(),
        cost_usd: z.number().nonnegative().optional(),
      },
    },
    ({ input_tokens, output_tokens, model, cost_usd }) =>
      run(async () =>
        ok(await session.reportUsage({ inputTokens: input_tokens, outputTokens: output_tokens, ...(model ? { model } : {}), ...(cost_usd !== undefined ? { costUsd: cost_usd } : {}) })),
      ),
  );
  server.registerTool('submit', { description: 'Submits the workspace as the final answer: the attempt ends, is scored a last time and sealed.' }, () =>
    run(async () => ok(await session.submit())),
  );
  return server;
}

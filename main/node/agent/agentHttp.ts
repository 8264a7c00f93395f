import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../common/clock';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface AgentHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:43121/mcp. */
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Sessions an agent may hold at once (a reconnecting agent makes a new one; old ones are closed by DELETE or at exit). */
const MAX_SESSIONS = 16;

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }));
}

/**
 * Serves an attempt's MCP server over Streamable HTTP on 127.0.0.1 only, at /mcp, to clients with the bearer token
 * (random, 256 bits, unless given). Each MCP session gets its own McpServer (from `makeServer`) over the same
 * attempt. The Host header must name the loopback address (no DNS rebinding from a web page).
 */
export async function serveAgentHttp(o: { port?: number; token?: string; makeServer: () => McpServer; logger: Logger }): Promise<AgentHttpServer> {
  const token = o.token ?? randomBytes(32).toString('base64url');
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let allowedHosts: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/mcp') return refuse(res, 404, 'not found: the MCP endpoint is /mcp');
    if (!tokenMatches(req.headers.authorization, token)) return refuse(res, 401, 'unauthorized: send Authorization: Bearer <token>');
    if (!allowedHosts.includes(req.headers.host ?? '')) return refuse(res, 403, `forbidden host ${JSON.stringify(req.headers.host)}`);
    const sid = req.headers['mcp-session-id'];
    const existing = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (existing) return existing.handleRequest(req, res);
    if (sid !== undefined) return refuse(res, 404, 'unknown MCP session: initialize a new one');
    if (sessions.size >= MAX_SESSIONS) return refuse(res, 429, `too many MCP sessions (${MAX_SESSIONS}); close one first`);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
      enableDnsRebindingProtection: true,
      allowedHosts,
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await o.makeServer().connect(transport);
    await transport.handleRequest(req, res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      o.logger.warn(`agent MCP request failed: ${(e as Error).message}`);
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    token,
    close: async () => {
      for (const t of sessions.values()) await t.close().catch(() => undefined);
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Browser mode: the renderer and the API served on loopback, guarded by a random token.
 *
 * The first page load carries ?token=...; the host answers with an HttpOnly SameSite=Strict cookie so the page's
 * scripts, styles and workers load without the token in their URLs. The WebSocket needs the token (query or
 * cookie) and an Origin equal to the host's own. Host headers other than the bound address are refused, which
 * closes DNS-rebinding attacks from pages in the user's ordinary browser.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RedeskApi, WireMessage } from '../../common/api';
import { dispatch } from '../../node/dispatch';
import type { EventBus } from '../../node/EventBus';
import { serveStatic } from './staticFiles';

export interface BrowserHostOptions {
  api: RedeskApi;
  events: EventBus;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Binding anything but loopback must be asked for explicitly. */
  allowRemote?: boolean;
}

const COOKIE = 'redesk_token';
/** Above this many bytes queued on a socket, the client is too slow; pty flow control will pause the source. */
const MAX_WS_BUFFER = 64 * 1024 * 1024;

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

export class BrowserHost {
  readonly token: string;
  private server?: Server;
  private wss?: WebSocketServer;
  private unsubscribe?: () => void;
  private readonly sockets = new Set<WebSocket>();
  private port = 0;
  private readonly host: string;

  constructor(private readonly opts: BrowserHostOptions) {
    this.token = opts.token ?? randomBytes(24).toString('hex');
    this.host = opts.host ?? '127.0.0.1';
    if (!isLoopback(this.host) && !opts.allowRemote) {
      throw new Error(`refusing to bind ${this.host}: browser mode binds loopback unless --allow-remote is given`);
    }
  }

  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${h}:${this.port}/?token=${this.token}`;
  }

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      void this.onRequest(req, res);
    });
    this.server = server;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
    server.on('upgrade', (req, socket, head) => {
      const refusal = this.refuse(req);
      if (refusal) {
        socket.end(`HTTP/1.1 ${refusal} ${refusal === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    this.unsubscribe = this.opts.events.on((name, payload) => {
      const msg = JSON.stringify({ t: 'evt', name, payload } satisfies WireMessage);
      for (const ws of this.sockets) if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_WS_BUFFER) ws.send(msg);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  private tokenOk(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** 401 without the token, 403 for a foreign Host or Origin; undefined when the request may pass. */
  private refuse(req: IncomingMessage): 401 | 403 | undefined {
    const hostHeader = req.headers.host ?? '';
    const allowedHosts = new Set([`${this.host}:${this.port}`, `localhost:${this.port}`, `127.0.0.1:${this.port}`, `[::1]:${this.port}`]);
    if (!this.opts.allowRemote && !allowedHosts.has(hostHeader)) return 403;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) return 403;
    const url = new URL(req.url ?? '/', 'http://x');
    if (this.tokenOk(url.searchParams.get('token'))) return undefined;
    if (this.tokenOk(readCookie(req.headers.cookie, COOKIE))) return undefined;
    return 401;
  }

  private async onRequest(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const refusal = this.refuse(req);
    if (refusal) {
      res.writeHead(refusal, { 'content-type': 'text/plain' }).end(
        refusal === 401 ? 'redesk: this page needs the token printed by `redesk serve`\n' : 'redesk: forbidden origin\n',
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('token')) {
      res.setHeader('set-cookie', `${COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, pid: process.pid }));
      return;
    }
    await serveStatic(this.opts.rendererDir, url.pathname, res);
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (raw) => {
      let msg: WireMessage;
      try {
        msg = JSON.parse(raw.toString()) as WireMessage;
      } catch {
        return;
      }
      if (msg.t !== 'req' || typeof msg.id !== 'number') return;
      void dispatch(this.opts.api, msg.method, msg.args).then((r) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify(r.ok ? { t: 'res', id: msg.id, ok: true, value: r.value } : { t: 'res', id: msg.id, ok: false, error: r.error }));
      });
    });
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

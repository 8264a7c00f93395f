import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RedeskApi } from '../../common/api';
import { RedeskError } from '../../common/errors';
import { EventBus } from '../../node/EventBus';
import { connectRemoteApi } from '../RemoteApi';
import { BrowserHost } from './BrowserHost';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

describe('BrowserHost', () => {
  const events = new EventBus();
  const api = {
    appInfo: async () => ({ version: '9.9.9', dataDir: '/x', mode: 'browser' }),
    attemptStatus: async (id: string) => {
      throw new RedeskError('ATTEMPT_NOT_FOUND', `no attempt ${id}`);
    },
  } as unknown as RedeskApi;
  let host: BrowserHost;
  let port: number;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redesk-host-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>redesk</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    host = new BrowserHost({ api, events, rendererDir: dir });
    const url = await host.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    port = host.address.port;
  });
  afterAll(() => host.close());

  it('refuses a page request without the token (401)', async () => {
    expect((await get(port, '/')).status).toBe(401);
    expect((await get(port, '/app.js')).status).toBe(401);
    expect((await get(port, '/?token=wrong')).status).toBe(401);
  });

  it('serves the page with the token, sets a cookie for its assets, and sends a CSP', async () => {
    const page = await get(port, `/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>redesk</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const cookie = String((page.headers['set-cookie'] as string[])[0]).split(';')[0]!;
    expect((await get(port, '/app.js', { cookie })).status).toBe(200);
  });

  it('refuses a foreign Host or Origin (403), even with the token', async () => {
    expect((await get(port, `/?token=${host.token}`, { host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(port, `/?token=${host.token}`, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    const r = await get(port, `/..%2f..%2fetc%2fpasswd?token=${host.token}`);
    expect(r.status).toBe(404);
  });

  it('refuses WebSocket upgrades without the token or from another origin', async () => {
    const base = `ws://127.0.0.1:${port}/ws`;
    expect(await upgrade(base, { origin: `http://127.0.0.1:${port}` })).toBe(401);
    expect(await upgrade(`${base}?token=${host.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(`${base}?token=${host.token}`, { origin: `http://127.0.0.1:${port}` })).toBe(101);
  });

  it('answers API calls over the socket, with errors carrying their code, and pushes events', async () => {
    const remote = await connectRemoteApi(port, host.token);
    expect((await remote.api.appInfo()).version).toBe('9.9.9');
    await expect(remote.api.attemptStatus('nope')).rejects.toMatchObject({ code: 'ATTEMPT_NOT_FOUND' });
    await expect((remote.api as any).envList()).rejects.toMatchObject({ code: 'INTERNAL' });
    remote.close();
  });

  it('refuses to bind a non-loopback address unless asked', () => {
    expect(() => new BrowserHost({ api, events, rendererDir: '/tmp', host: '0.0.0.0' })).toThrow(/--allow-remote/);
  });
});

/**
 * Composes the Node services into the one API every transport serves (in-process for the CLI, IPC under Electron,
 * the WebSocket in browser mode). Nothing here imports electron; the Electron shell passes its own HostSpawner.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedeskApi } from '../common/api';
import type { Clock, Logger } from '../common/clock';
import { RedeskError } from '../common/errors';
import { appPaths, type AppPaths } from './appPaths';
import { AttemptService } from './attempts/AttemptService';
import type { HostSpawner, PtyService } from './contracts';
import { EnvRegistry } from './envs/EnvRegistry';
import { runPreflight } from './envs/preflight';
import { EventBus } from './EventBus';
import { PtyHostClient } from './pty/PtyHostClient';
import { ScorerRunner } from './scorer/ScorerRunner';
import { DataDirLock } from './store/DataDirLock';
import { writeShellTools } from './shellTools';
import { systemClock, consoleLogger } from './systemClock';

export interface ServicesOptions {
  dataDir: string;
  mode: 'electron' | 'browser' | 'cli';
  clock?: Clock;
  logger?: Logger;
  /** Override paths (tests). */
  paths?: Partial<AppPaths>;
  spawner?: HostSpawner;
  /** What the lock file says about this host, so CLI commands can forward to it. */
  hostInfo?: { port: number; token: string };
}

export interface Services {
  api: RedeskApi;
  events: EventBus;
  paths: AppPaths;
  attempts: AttemptService;
  lock: DataDirLock;
  /** Record where a browser-mode host listens, once it knows its port. */
  setHostInfo(info: { port: number; token: string }): Promise<void>;
  dispose(): Promise<void>;
}

export function appVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  const paths = { ...appPaths(opts.dataDir), ...opts.paths };
  const logger = opts.logger ?? consoleLogger();
  const clock = opts.clock ?? systemClock();
  await mkdir(paths.dataDir, { recursive: true });
  const lock = await DataDirLock.acquire(paths.dataDir, opts.hostInfo);

  const events = new EventBus();
  const envs = new EnvRegistry({ dirs: paths.envDirs });
  const scorer = new ScorerRunner({ logger });
  const attempts = new AttemptService({
    dataDir: paths.dataDir,
    envs,
    scorer,
    clock,
    logger,
    emit: events.emit,
    // A resident host holds the clock with heartbeats; one-shot CLI commands leave it free-running.
    mode: opts.mode === 'cli' ? 'free' : 'held',
    preflight: (env) => runPreflight(env, { diskPath: paths.dataDir }),
  });
  try {
    await attempts.init();
  } catch (e) {
    await lock.release();
    throw e;
  }

  let pty: PtyService | undefined;
  const ptys = (): PtyService => {
    if (!pty) {
      pty = new PtyHostClient({ entry: paths.ptyHostEntry, spawn: opts.spawner, logger });
      pty.onData((ptyId, data) => events.emit('pty.data', { ptyId, data }));
      pty.onExit((ptyId, exitCode, signal) => events.emit('pty.exit', { ptyId, exitCode, signal }));
    }
    return pty;
  };
  const watchers = new Map<string, () => void>();
  const watchWorkspace = (attemptId: string) => {
    if (watchers.has(attemptId)) return;
    const ws = attempts.workspace(attemptId);
    watchers.set(
      attemptId,
      ws.watch((change) => events.emit('fs.changed', { attemptId, path: change.path, kind: change.kind })),
    );
  };

  const version = appVersion(paths.root);
  let toolsDir: string | undefined;
  const api: RedeskApi = {
    appInfo: async () => ({ version, dataDir: paths.dataDir, mode: opts.mode }),
    envList: () => envs.list(),
    envGet: (envId) => envs.get(envId),
    preflight: async (envId, variant) => runPreflight(await envs.load(envId, variant), { diskPath: paths.dataDir }),
    attemptList: () => attempts.list(),
    attemptStart: (envId, o) => attempts.start(envId, o ?? {}),
    attemptStatus: (id) => attempts.status(id),
    attemptPause: (id, reason) => attempts.pause(id, reason),
    attemptResume: (id) => attempts.resume(id),
    attemptScore: (id) => attempts.score(id),
    attemptSubmit: async (id) => {
      const info = await attempts.submit(id);
      ptys().killAttempt(id);
      return info;
    },
    fsList: async (id) => {
      watchWorkspace(id);
      return attempts.workspace(id).list();
    },
    fsRead: (id, path) => attempts.workspace(id).read(path),
    fsWrite: async (id, path, content) => {
      const info = await attempts.status(id);
      if (info.state !== 'running' && info.state !== 'paused') {
        throw new RedeskError('ATTEMPT_BAD_STATE', `attempt ${id} is ${info.state}; the workspace is read-only now`);
      }
      return attempts.workspace(id).write(path, content);
    },
    ptyCreate: async (id, o) => {
      const info = await attempts.status(id);
      if (info.state !== 'running' && info.state !== 'paused') {
        throw new RedeskError('ATTEMPT_BAD_STATE', `attempt ${id} is ${info.state}; terminals open only while it runs`);
      }
      const ptyId = await ptys().create({
        cwd: info.workspace,
        cols: o.cols,
        rows: o.rows,
        attemptId: id,
        env: {
          REDESK_ATTEMPT_ID: id,
          REDESK_DATA_DIR: paths.dataDir,
          PATH: `${(toolsDir ??= await writeShellTools(paths.dataDir, paths.root))}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        },
      });
      return { ptyId };
    },
    ptyInput: async (ptyId, data) => ptys().input(ptyId, data),
    ptyResize: async (ptyId, cols, rows) => ptys().resize(ptyId, cols, rows),
    ptyAck: async (ptyId, chars) => ptys().ack(ptyId, chars),
    ptyKill: async (ptyId) => ptys().kill(ptyId),
  };

  return {
    api,
    events,
    paths,
    attempts,
    lock,
    setHostInfo: (info) => lock.setHostInfo(info),
    dispose: async () => {
      for (const stop of watchers.values()) stop();
      watchers.clear();
      await pty?.dispose();
      await attempts.dispose();
      await lock.release();
    },
  };
}

/**
 * Composes the Node services into the one API every transport serves (in-process for the CLI, IPC under Electron,
 * the WebSocket in browser mode). Nothing here imports electron; the Electron shell passes its own HostSpawner.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedeskApi } from '../common/api';
import type { AttemptState } from '../common/attempt';
import type { Clock, Logger } from '../common/clock';
import { RedeskError } from '../common/errors';
import { appPaths, type AppPaths } from './appPaths';
import { PtyBacklog } from './pty/PtyBacklog';
import { patchingApi } from './patching/patchingApi';
import { bundlesApi } from './bundle/bundlesApi';
import { reviewApi } from './review/reviewApi';
import { AttemptActivity } from './attempts/AttemptActivity';
import { AttemptService } from './attempts/AttemptService';
import { recordingPolicy } from './attempts/recordingPolicy';
import { TerminalRecorder } from './attempts/TerminalRecorder';
import type { HostSpawner, PtyService } from './contracts';
import { EnvRegistry } from './envs/EnvRegistry';
import { envPacksApi } from './envpacks/envPacksApi';
import type { AssetHashCache } from './envs/assets';
import { runPreflight } from './envs/preflight';
import { PythonResolver, withPythonPath } from './envs/resolvePython';
import { EventBus } from './EventBus';
import type { KeyProtector } from './keys/keyStore';
import { GpuSampler } from './os/GpuSampler';
import { NetSampler } from './os/NetSampler';
import type { Sampler } from './os/Sampler';
import { shellLaunch } from './pty/shellLaunch';
import { PtyHostClient } from './pty/PtyHostClient';
import { replayApi } from './replay/replayApi';
import { ReplayService } from './replay/ReplayService';
import { ScorerRunner } from './scorer/ScorerRunner';
import { DataDirLock } from './store/DataDirLock';
import { writeShellTools } from './shellTools';
import { systemClock, consoleLogger } from './systemClock';

/** How long the final scoring waits for an attempt's shells to exit after the hangup (then SIGKILL has been sent). */
const TERMINAL_CLOSE_WAIT_MS = 4_000;

export interface ServicesOptions {
  dataDir: string;
  mode: 'electron' | 'browser' | 'cli';
  clock?: Clock;
  logger?: Logger;
  /** Override paths (tests). */
  paths?: Partial<AppPaths>;
  spawner?: HostSpawner;
  /** Wraps the expert's private key at rest; the Electron shell passes one built on safeStorage (the OS keychain). */
  keyProtector?: KeyProtector;
  /** What the lock file says about this host, so CLI commands can forward to it. */
  hostInfo?: { port: number; token: string };
  /** Where the values of an env's secrets come from (the host's environment). */
  hostEnv?: Record<string, string | undefined>;
  /** The OS samplers a resident host runs for each running attempt (tests replace them). */
  samplers?: SamplerFactory;
}

export type SamplerFactory = (attemptId: string, record: (kind: string, data: Record<string, unknown>) => void, logger: Logger) => Sampler[];

/** Network up/down and GPU samples (main/node/os). */
export const defaultSamplers: SamplerFactory = (_id, record, logger) => [
  new NetSampler((r) => record('os.net', { ...r })),
  new GpuSampler((r) => record('os.gpu', { ...r }), { logger }),
];

export interface Services {
  api: RedeskApi;
  events: EventBus;
  paths: AppPaths;
  attempts: AttemptService;
  /** Workspace watchers and OS samplers of the attempts a resident host holds (absent in cli mode). */
  activity?: AttemptActivity;
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
  // One interpreter choice per package list, shared by preflight and scorers; the shared Python kits on PYTHONPATH.
  const python = new PythonResolver();
  const assetHashes: AssetHashCache = new Map();
  const preflightOpts = { diskPath: paths.dataDir, resolver: python, assetHashes };
  const kitPythonPath = [join(paths.root, 'resources', 'python')];
  const scorer = new ScorerRunner({
    logger,
    resolver: python,
    pythonPath: kitPythonPath,
    taskStdInstallDir: join(paths.dataDir, 'cache', 'taskstd'),
  });
  const version = appVersion(paths.root);
  const hostEnv = opts.hostEnv ?? process.env;
  // Declared before the attempts: adopting an unfinished attempt at init may already close its terminals.
  let pty: PtyService | undefined;
  let terminals: TerminalRecorder | undefined;
  /** Each attempt's live terminals, so the final scoring can close them and wait until they are gone. */
  const attemptPtys = new Map<string, Set<string>>();
  /** Each live terminal's recent output, for a page that reloads. */
  const backlog = new PtyBacklog();
  const attempts = new AttemptService({
    dataDir: paths.dataDir,
    envs,
    scorer,
    clock,
    logger,
    emit: events.emit,
    // A resident host holds the clock with heartbeats; one-shot CLI commands leave it free-running.
    mode: opts.mode === 'cli' ? 'free' : 'held',
    preflight: (env) => runPreflight(env, preflightOpts),
    appVersion: version,
    hostEnv,
    beforeFinalize: (id) => closeTerminals(id),
    ...(opts.keyProtector ? { recorder: { keyProtector: opts.keyProtector } } : {}),
  });
  try {
    await attempts.init();
    // The app makes the expert's key at first run (and shows it under `redesk keys show`), not at the first attempt.
    if (opts.mode !== 'cli') await attempts.recorder.expertKey();
  } catch (e) {
    await lock.release();
    throw e;
  }

  const ptys = (): PtyService => {
    if (!pty) {
      pty = new PtyHostClient({ entry: paths.ptyHostEntry, spawn: opts.spawner, logger });
      pty.onData((ptyId, data) => {
        events.emit('pty.data', { ptyId, data });
        backlog.append(ptyId, data);
      });
      pty.onExit((ptyId, exitCode, signal) => {
        for (const set of attemptPtys.values()) set.delete(ptyId);
        backlog.close(ptyId);
        events.emit('pty.exit', { ptyId, exitCode, signal });
      });
      terminals = new TerminalRecorder(pty, (id, src, kind, data) => attempts.record(id, src, kind, data), logger, (id) =>
        Object.values(attempts.secretEnv(id)),
      );
    }
    return pty;
  };

  // A resident host watches each attempt it holds while it runs; a one-shot command has nothing to watch.
  let activity: AttemptActivity | undefined;
  if (opts.mode !== 'cli') {
    const samplers = opts.samplers ?? defaultSamplers;
    const a = new AttemptActivity({
      record: (id, src, kind, data, t) => attempts.record(id, src, kind, data, t),
      timeOf: (id) => attempts.timeOf(id),
      workspace: (id) => attempts.workspace(id),
      onFileChange: (attemptId, c) => events.emit('fs.changed', { attemptId, path: c.path, kind: c.kind }),
      samplers: (id, record) => samplers(id, record, logger),
      logger,
    });
    events.on((name, payload) => {
      if (name === 'attempt.changed') {
        const info = payload as { id: string; state: AttemptState };
        a.update(info.id, info.state);
      }
    });
    for (const s of await attempts.list()) a.update(s.id, s.state);
    activity = a;
  }

  /** Nothing may write into the workspace or the trajectory while the attempt is scored and sealed. */
  async function closeTerminals(attemptId: string): Promise<void> {
    const live = attemptPtys.get(attemptId);
    if (!pty || !live || live.size === 0) return;
    pty.killAttempt(attemptId);
    const deadline = Date.now() + TERMINAL_CLOSE_WAIT_MS;
    while (live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  // An organizer's allowed_signers in the data folder, when there is one, is what bundles are checked against.
  const dataSigners = (): string | undefined => (existsSync(join(paths.dataDir, 'allowed_signers')) ? join(paths.dataDir, 'allowed_signers') : undefined);
  const replays = new ReplayService({ attemptDir: async (id) => (await attempts.status(id)).dir, dataDir: paths.dataDir, logger, allowedSigners: dataSigners });
  let toolsDir: string | undefined;
  const api: RedeskApi = {
    appInfo: async () => ({ version, dataDir: paths.dataDir, mode: opts.mode }),
    envList: () => envs.list(),
    envGet: (envId) => envs.get(envId),
    preflight: async (envId, variant) => {
      // An explicit check probes the interpreters afresh (a package installed since is found); starts reuse it.
      python.clear();
      return runPreflight(await envs.load(envId, variant, { assets: 'none' }), preflightOpts);
    },
    envImport: envPacksApi({ dataDir: paths.dataDir, envs }).envImport,
    attemptList: () => attempts.list(),
    attemptStart: (envId, o) => attempts.start(envId, o ?? {}),
    attemptStatus: (id) => attempts.status(id),
    attemptPause: (id, reason) => attempts.pause(id, reason),
    attemptResume: (id) => attempts.resume(id),
    attemptScore: (id) => attempts.score(id),
    attemptSubmit: (id) => attempts.submit(id),
    fsList: (id) => attempts.workspace(id).list(),
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
      const env = {
        // The env's secrets first: redesk's own variables cannot be overridden by a secret's name.
        ...attempts.secretEnv(id),
        REDESK_ATTEMPT_ID: id,
        REDESK_DATA_DIR: paths.dataDir,
        // Organizer-supplied assets live in the environment's assets/ folder; starters and instructions name it so.
        ASSETS_DIR: join((await envs.get(info.envId)).dir, 'assets'),
        PATH: `${(toolsDir ??= await writeShellTools(paths.dataDir, paths.root))}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        // The environment kit (redesk_envkit: e.g. rust.check) imports in the terminal as it does while scoring.
        PYTHONPATH: withPythonPath(kitPythonPath, process.env.PYTHONPATH),
      };
      const service = ptys();
      const shell = shellLaunch({ baseEnv: process.env, env, exists: existsSync }).file;
      const ptyId = await terminals!.create(id, { cols: o.cols, rows: o.rows, cwd: info.workspace, shell }, () =>
        service.create({ cwd: info.workspace, cols: o.cols, rows: o.rows, attemptId: id, env }),
      );
      let set = attemptPtys.get(id);
      if (!set) attemptPtys.set(id, (set = new Set()));
      if (service.has(ptyId)) {
        set.add(ptyId);
        backlog.open(ptyId, id, o.cols, o.rows, o.owner ?? 'user');
      }
      return { ptyId };
    },
    ptyInput: async (ptyId, data) => {
      ptys().input(ptyId, data);
      terminals?.input(ptyId, data);
    },
    ptyResize: async (ptyId, cols, rows) => {
      ptys().resize(ptyId, cols, rows);
      terminals?.resized(ptyId, cols, rows);
      backlog.resized(ptyId, cols, rows);
    },
    ptyAck: async (ptyId, chars) => ptys().ack(ptyId, chars),
    ptyKill: async (ptyId) => ptys().kill(ptyId),
    ptyReattach: async (id) => {
      await attempts.status(id);
      const live = pty ? backlog.list(id).filter((a) => pty!.has(a.ptyId)) : [];
      // What the old page never acknowledged must not hold the shells back: flow control never counts below zero, so
      // acknowledging more than was sent clears it.
      for (const a of live) pty!.ack(a.ptyId, Number.MAX_SAFE_INTEGER);
      return live;
    },

    recordingPolicy: async (envId) => recordingPolicy((await envs.spec(envId)).secrets.map((x) => x.name)),
    recordEvents: (id, list) => attempts.recordEvents(id, list),
    logStatus: (id) => attempts.logStatus(id),
    logTail: (id, o) => attempts.logTail(id, o ?? {}),
    agentRecord: async (id, kind, data) => void (await attempts.recordAgent(id, kind, data)),

    ...replayApi(replays),
    ...bundlesApi({ dataDir: paths.dataDir }),
    ...reviewApi({ dataDir: paths.dataDir }),
    ...patchingApi({ modelDirs: [join(paths.root, 'resources', 'models'), join(paths.dataDir, 'models')], emit: events.emit }),
  };

  return {
    api,
    events,
    paths,
    attempts,
    ...(activity ? { activity } : {}),
    lock,
    setHostInfo: (info) => lock.setHostInfo(info),
    dispose: async () => {
      activity?.dispose();
      replays.dispose();
      // The pty host reports every terminal as exited first, so the logs get their pty.exit before they close.
      await pty?.dispose();
      terminals?.dispose();
      await attempts.dispose();
      await lock.release();
    },
  };
}


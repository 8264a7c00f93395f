import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../../common/clock';
import { RedeskError, toErrorData } from '../../common/errors';
import type { Scorer, ScorerResult, ScorerRunOptions } from '../contracts';
import { findOnPath } from '../envs/commandRunner';
import { computeScorerHash } from '../envs/loadEnvDir';
import { defaultPythonPath, PythonResolver, withPythonPath } from '../envs/resolvePython';
import { startTaskStd, taskStdEnv } from '../taskstd/taskStd';
import { classifyOutcome } from './classifyOutcome';
import { copyWorkspace } from './copyWorkspace';
import { isInside } from './isInside';
import { withMemoryLimit } from './memoryLimit';
import { runBoundedProcess } from './runBoundedProcess';
import { substituteArgv } from './substituteArgv';

export interface ScorerRunnerOptions {
  /** Interpreter for {python}, for every env; default: the resolver's pick for the env's pythonPackages. */
  python?: string;
  /** Picks the interpreter that imports the env's software.pythonPackages (shared with preflight). */
  resolver?: PythonResolver;
  /** Folders put first on every scorer's PYTHONPATH; default <package root>/resources/python (redesk_envkit). */
  pythonPath?: string[];
  /** Where task-standard families record that install() ran on this machine; default <tmpdir>/redesk-taskstd. */
  taskStdInstallDir?: string;
  /** Stdout beyond this stops the scorer with SCORER_OUTPUT_TOO_LARGE. */
  maxOutputBytes?: number;
  logger?: Logger;
  /** Largest workspace copied for a "copy" view; bigger ones score null with FILE_TOO_LARGE. */
  maxCopyBytes?: number;
  /** Between SIGTERM and SIGKILL on timeout. */
  killGraceMs?: number;
  /** Path of prlimit; null forces the `ulimit -v` wrapper; default: prlimit from PATH on Linux. */
  prlimit?: string | null;
}

const MiB = 1024 * 1024;
const DEFAULT_MAX_OUTPUT_BYTES = 1 * MiB;
// Workspaces bigger than this are meant for workspaceView "direct" (multi-GB checkpoints).
const DEFAULT_MAX_COPY_BYTES = 1024 * MiB;
const DEFAULT_KILL_GRACE_MS = 2_000;
const STDERR_TAIL_BYTES = 16 * 1024;

/**
 * Runs an environment's scorer as a subprocess: on a copy of the workspace (unless the env says "direct"), under
 * its timeout and memory limit, with stdout capped. Resolves with a result for anything the scorer does, a null
 * score with an errorCode when it failed; rejects only when the caller aborts (AbortError) or misuses the folders.
 */
export class ScorerRunner implements Scorer {
  private readonly python?: string;
  private readonly resolver: PythonResolver;
  private readonly pythonPath: string[];
  private readonly taskStdInstallDir: string;
  private readonly maxOutputBytes: number;
  private readonly maxCopyBytes: number;
  private readonly killGraceMs: number;
  private readonly logger?: Logger;
  private prlimit: Promise<string | undefined>;

  constructor(opts: ScorerRunnerOptions = {}) {
    this.python = opts.python;
    this.resolver = opts.resolver ?? new PythonResolver();
    this.pythonPath = opts.pythonPath ?? defaultPythonPath();
    this.taskStdInstallDir = opts.taskStdInstallDir ?? join(tmpdir(), 'redesk-taskstd');
    this.maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.maxCopyBytes = opts.maxCopyBytes ?? DEFAULT_MAX_COPY_BYTES;
    this.killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.logger = opts.logger;
    this.prlimit =
      opts.prlimit === null || process.platform !== 'linux'
        ? Promise.resolve(undefined)
        : opts.prlimit !== undefined
          ? Promise.resolve(opts.prlimit)
          : findOnPath('prlimit');
  }

  /** A task-standard family's install() (once per machine) and start(t) in the new workspace; nothing for others. */
  async prepare(opts: Omit<ScorerRunOptions, 'scratchDir'>): Promise<void> {
    const { env } = opts;
    if (env.spec.kind !== 'taskstd') return;
    const python = this.python ?? (await this.resolver.resolve(env.spec.software.pythonPackages)).python;
    this.logger?.info('taskstd: start', { env: env.spec.id, task: env.spec.taskstd?.task });
    await startTaskStd({
      dir: env.dir,
      spec: env.spec,
      envHash: env.envHash,
      workspaceDir: opts.workspaceDir,
      installDir: this.taskStdInstallDir,
      run: { python, pythonPath: this.pythonPath, ...(opts.signal ? { signal: opts.signal } : {}) },
    });
  }

  async run(opts: ScorerRunOptions): Promise<ScorerResult> {
    const started = performance.now();
    const { env, signal } = opts;
    const scratch = resolve(opts.scratchDir);
    for (const [name, dir] of [
      ['workspace', opts.workspaceDir],
      ['environment', env.dir],
      ['cache', opts.cacheDir],
    ] as const) {
      if (isInside(scratch, dir)) {
        throw new RedeskError('BAD_REQUEST', `The scratch folder ${scratch} contains the ${name} folder ${dir}; it is removed after scoring.`, {
          hint: 'Give the scorer a scratch folder of its own.',
        });
      }
    }
    if (signal?.aborted) throw abortError();

    const spec = env.spec.scorer;
    try {
      if (opts.expectedScorerHash !== undefined) {
        const now = await computeScorerHash(env.dir, env.spec);
        if (now !== opts.expectedScorerHash) {
          throw new RedeskError('SCORER_TAMPERED', `The scorer of ${env.spec.id} changed since the attempt started (hash ${opts.expectedScorerHash.slice(0, 12)}… is now ${now.slice(0, 12)}…); it was not run.`, {
            hint: `Restore the scorer files in ${env.dir} (reinstall the environment); scores from an edited scorer are not accepted.`,
          });
        }
      }
      await mkdir(opts.cacheDir, { recursive: true });
      await mkdir(scratch, { recursive: true });
      let workspace = resolve(opts.workspaceDir);
      if (spec.workspaceView === 'copy') {
        workspace = join(scratch, 'workspace');
        const copied = await copyWorkspace(opts.workspaceDir, workspace, this.maxCopyBytes);
        if (copied.skipped.length) this.logger?.warn('scorer: left out of the workspace copy', { skipped: copied.skipped });
      }
      const argv = substituteArgv(spec.argv, {
        workspace,
        envDir: env.dir,
        cacheDir: resolve(opts.cacheDir),
        python: this.python ?? (await this.resolver.resolve(env.spec.software.pythonPackages)).python,
      });
      const limited = withMemoryLimit(argv, spec.memoryMiB, { platform: process.platform, prlimit: await this.prlimit });
      this.logger?.info('scorer: start', { env: env.spec.id, argv, memoryLimit: limited.method });
      const outcome = await runBoundedProcess({
        argv: limited.argv,
        cwd: env.dir,
        env: {
          ...process.env,
          PYTHONPATH: withPythonPath(this.pythonPath, process.env.PYTHONPATH),
          PYTHONDONTWRITEBYTECODE: '1',
          PYTHONUNBUFFERED: '1',
          ...(opts.final ? { REDESK_SCORE_FINAL: '1' } : {}),
          ...taskStdEnv(env.dir, env.spec),
        },
        timeoutMs: spec.timeoutSeconds * 1000,
        maxStdoutBytes: this.maxOutputBytes,
        stderrTailBytes: STDERR_TAIL_BYTES,
        killGraceMs: this.killGraceMs,
        signal,
      });
      if (outcome.stoppedFor === 'abort') throw abortError();
      const result: ScorerResult = {
        ...classifyOutcome(outcome, {
          command: argv[0]!,
          timeoutSeconds: spec.timeoutSeconds,
          memoryMiB: spec.memoryMiB,
          maxOutputBytes: this.maxOutputBytes,
        }),
        durationMs: Math.round(performance.now() - started),
      };
      const log = result.errorCode ? this.logger?.warn : this.logger?.info;
      log?.call(this.logger, 'scorer: done', { score: result.score, errorCode: result.errorCode, durationMs: result.durationMs });
      return result;
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      // Copying the workspace failed (too large, disk full): no score, and the attempt goes on.
      const data = toErrorData(e);
      this.logger?.warn('scorer: not run', { code: data.code, message: data.message });
      return {
        score: null,
        message: data.hint ? `${data.message} ${data.hint}` : data.message,
        details: {},
        errorCode: data.code,
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

function abortError(): Error {
  const e = new Error('Scoring was cancelled.');
  e.name = 'AbortError';
  return e;
}

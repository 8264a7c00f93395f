import { statfs } from 'node:fs/promises';
import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import type { PreflightCheck, PreflightReport } from '../../common/attempt';
import type { LoadedEnv } from '../contracts';
import { checkAssets, type AssetHashCache } from './assets';
import { findOnPath, runCommand, type CommandRunner } from './commandRunner';
import { describeMissing, PythonResolver, type PythonResolution } from './resolvePython';

export interface PreflightOptions {
  /** Probe only this interpreter (tests, or a forced choice); default: the resolver's candidates. */
  python?: string;
  /** Picks the interpreter that has the env's packages, probing once per package list (the app shares one). */
  resolver?: PythonResolver;
  /** Asset hashes already computed (shared with later preflights while files are unchanged). */
  assetHashes?: AssetHashCache;
  /** Where attempts are stored; its free space is what matters (default: the environment folder). */
  diskPath?: string;
  run?: CommandRunner;
  findCommand?: (cmd: string) => Promise<string | undefined>;
}

// nvidia-smi can take a second or two to wake a driver; importing a big package (torch) a few seconds.
const NVIDIA_SMI_TIMEOUT_MS = 5_000;
// A machine sold as 16 GiB (a GPU sold as 80 GB) reports a little less; ask for 95% of what env.json says.
const RAM_TOLERANCE = 0.95;
const GiB = 1024 ** 3;

interface GpuInfo {
  gpus: { name: string; memoryMiB: number }[];
  driverVersion?: string;
  cudaVersion?: string;
  /** nvidia-smi's absence or failure, in words. */
  problem?: string;
}

/** What this machine has against what the environment asks for; `ready` when every check passes. */
export async function runPreflight(env: LoadedEnv, opts: PreflightOptions = {}): Promise<PreflightReport> {
  const run = opts.run ?? runCommand;
  const find = opts.findCommand ?? ((cmd: string) => findOnPath(cmd));
  const resolver = opts.resolver ?? new PythonResolver({ run, ...(opts.python ? { candidates: [opts.python] } : {}) });
  const { hardware: hw, software: sw } = env.spec;
  const needsPython = sw.python !== undefined || sw.pythonPackages.length > 0;

  const [gpu, resolution, freeDiskGiB, commands, assetIssues] = await Promise.all([
    gpuInfo(run),
    needsPython ? resolver.resolve(sw.pythonPackages) : Promise.resolve(undefined),
    freeDisk(opts.diskPath ?? env.dir),
    Promise.all(sw.commands.map(async (cmd) => ({ cmd, path: await find(cmd) }))),
    checkAssets(env.dir, env.spec.assets, { verify: 'hash', cache: opts.assetHashes }),
  ]);
  const probe = resolution?.probe;

  const cpuModel = cpus()[0]?.model.trim() || 'unknown CPU';
  const cpuCount = availableParallelism();
  const ramGiB = totalmem() / GiB;
  const checks: PreflightCheck[] = [];

  // An "80 GB" H100 reports 79.6 GiB: the same tolerance as for RAM.
  const bigEnough = gpu.gpus.filter((g) => g.memoryMiB >= hw.gpuMemoryGiB * 1024 * RAM_TOLERANCE);
  checks.push({
    name: GPU_CHECK,
    ok: bigEnough.length >= hw.gpus,
    found: describeGpus(gpu),
    needed: hw.gpus === 0 ? 'none' : `${hw.gpus}${hw.gpuMemoryGiB ? ` with ≥ ${hw.gpuMemoryGiB} GiB each` : ''}`,
  });
  checks.push({ name: 'CPU cores', ok: cpuCount >= hw.cpus, found: `${cpuCount} × ${cpuModel}`, needed: `≥ ${hw.cpus}` });
  checks.push({ name: 'RAM', ok: ramGiB >= hw.ramGiB * RAM_TOLERANCE, found: `${round1(ramGiB)} GiB`, needed: `≥ ${hw.ramGiB} GiB` });
  checks.push({
    name: 'Free disk',
    ok: freeDiskGiB !== undefined && freeDiskGiB >= hw.diskGiB,
    found: freeDiskGiB === undefined ? `unknown (cannot read ${opts.diskPath ?? env.dir})` : `${round1(freeDiskGiB)} GiB`,
    needed: `≥ ${hw.diskGiB} GiB`,
  });
  if (resolution) checks.push(...pythonChecks(sw.python, sw.pythonPackages, resolution));
  env.spec.assets.forEach((asset, i) => {
    if (asset.external) return;
    const issue = assetIssues.find((x) => x.where === `assets.${i}.path`);
    checks.push({
      name: `${ASSET_CHECK_PREFIX}${asset.path}`,
      ok: !issue,
      found: issue ? assetProblem(issue.code, issue.message) : 'present, hash matches',
      needed: asset.sha256 ? `sha256 ${asset.sha256.slice(0, 12)}…, ${asset.size} bytes` : 'present and pinned (sha256, size)',
    });
  });
  for (const { cmd, path } of commands) {
    checks.push({ name: `Command ${cmd}`, ok: path !== undefined, found: path ?? 'not on PATH', needed: 'on PATH' });
  }

  return {
    envId: env.spec.id,
    ready: checks.every((c) => c.ok),
    checks,
    machine: {
      platform: platform(),
      arch: arch(),
      cpuModel,
      cpus: cpuCount,
      ramGiB: round1(ramGiB),
      freeDiskGiB: round1(freeDiskGiB ?? 0),
      ...(probe?.version ? { python: probe.version } : {}),
      gpus: gpu.gpus,
      ...(gpu.driverVersion ? { driverVersion: gpu.driverVersion } : {}),
      ...(gpu.cudaVersion ? { cudaVersion: gpu.cudaVersion } : {}),
    },
    checkedAt: new Date().toISOString(),
  };
}

async function gpuInfo(run: CommandRunner): Promise<GpuInfo> {
  const [query, header] = await Promise.all([
    run('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'], {
      timeoutMs: NVIDIA_SMI_TIMEOUT_MS,
    }),
    run('nvidia-smi', [], { timeoutMs: NVIDIA_SMI_TIMEOUT_MS }),
  ]);
  if (!query.ok) {
    const problem =
      query.failure === 'not-found'
        ? 'nvidia-smi not found'
        : query.failure === 'timeout'
          ? 'nvidia-smi did not answer'
          : `nvidia-smi failed: ${firstLine(query.stderr || query.stdout)}`;
    return { gpus: [], problem };
  }
  const gpus: GpuInfo['gpus'] = [];
  let driverVersion: string | undefined;
  for (const line of query.stdout.split('\n')) {
    const [name, mem, driver] = line.split(',').map((s) => s.trim());
    if (!name || mem === undefined) continue;
    gpus.push({ name, memoryMiB: Number(mem) || 0 });
    driverVersion ??= driver || undefined;
  }
  const cuda = /CUDA Version:\s*([\d.]+)/.exec(header.stdout)?.[1];
  return { gpus, driverVersion, cudaVersion: cuda };
}

function describeGpus(g: GpuInfo): string {
  if (g.gpus.length === 0) return g.problem ? `none (${g.problem})` : 'none';
  const counts = new Map<string, number>();
  for (const gpu of g.gpus) {
    const key = `${gpu.name} (${round1(gpu.memoryMiB / 1024)} GiB)`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const list = [...counts].map(([k, n]) => `${n} × ${k}`).join(', ');
  const versions = [g.driverVersion && `driver ${g.driverVersion}`, g.cudaVersion && `CUDA ${g.cudaVersion}`].filter(Boolean);
  return versions.length ? `${list}; ${versions.join(', ')}` : list;
}

function pythonChecks(minVersion: string | undefined, packages: string[], res: PythonResolution): PreflightCheck[] {
  const { python, probe } = res;
  const version = probe.version;
  // Name what each other candidate lacked, so the expert knows which interpreter to fix.
  const tried = res.ok || res.probes.length < 2 ? '' : ` (tried: ${describeMissing(res, packages)})`;
  const checks: PreflightCheck[] = [
    {
      name: PYTHON_CHECK,
      ok: version !== undefined && (minVersion === undefined || versionAtLeast(version, minVersion)),
      found: version ? `${python} ${version}` : (probe.problem ?? 'unknown') + tried,
      needed: minVersion ? `≥ ${minVersion}` : 'any',
    },
  ];
  for (const name of packages) {
    const p = probe.packages[name];
    checks.push({
      name: `${PACKAGE_CHECK_PREFIX}${name}`,
      ok: p?.ok === true,
      found: p?.ok
        ? `${name} ${p.version ?? ''}`.trim()
        : `${probe.problem ?? `not importable${p?.error ? `: ${p.error}` : ''}`}${tried}`,
      needed: 'importable',
    });
  }
  return checks;
}

/** "3.11.7" ≥ "3.9", comparing numerically part by part. */
export function versionAtLeast(found: string, needed: string): boolean {
  const a = found.split('.').map(Number);
  const b = needed.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

async function freeDisk(path: string): Promise<number | undefined> {
  try {
    const s = await statfs(path);
    return (s.bavail * s.bsize) / GiB;
  } catch {
    return undefined;
  }
}

/** Preflight check names that decide whether an attempt may start (see requirements.ts). */
export const GPU_CHECK = 'GPUs';
export const PYTHON_CHECK = 'Python';
export const PACKAGE_CHECK_PREFIX = 'Python package ';
export const ASSET_CHECK_PREFIX = 'Asset ';
/** How an asset check's `found` begins when the file is there but differs from the pin: never forceable. */
export const ASSET_MISMATCH = 'differs from env.json';

function assetProblem(code: string, message: string): string {
  const detail = message.replace(/^assets\.\d+\.path: /, '');
  if (code === 'ENV_ASSET_MISSING') return `missing (${detail})`;
  if (code === 'ENV_ASSET_UNPINNED') return `not pinned (${detail})`;
  return `${ASSET_MISMATCH}: ${detail}`;
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 200) ?? '';
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

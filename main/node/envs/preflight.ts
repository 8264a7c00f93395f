import { statfs } from 'node:fs/promises';
import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import type { PreflightCheck, PreflightReport } from '../../common/attempt';
import type { LoadedEnv } from '../contracts';
import { findOnPath, runCommand, type CommandRunner } from './commandRunner';
import { resolvePython } from './resolvePython';

export interface PreflightOptions {
  python?: string;
  /** Where attempts are stored; its free space is what matters (default: the environment folder). */
  diskPath?: string;
  run?: CommandRunner;
  findCommand?: (cmd: string) => Promise<string | undefined>;
}

// nvidia-smi can take a second or two to wake a driver; importing a big package (torch) a few seconds.
const NVIDIA_SMI_TIMEOUT_MS = 5_000;
const PYTHON_TIMEOUT_MS = 10_000;
// A machine sold as 16 GiB reports a little less to the OS; ask for 95% of what env.json says.
const RAM_TOLERANCE = 0.95;
const GiB = 1024 ** 3;

/** Prints one JSON line: the version and, for each module named in argv, whether it imports and its version. */
const PYTHON_PROBE = `
import importlib, json, sys
r = {"version": "%d.%d.%d" % tuple(sys.version_info[:3]), "packages": {}}
for name in sys.argv[1:]:
    try:
        m = importlib.import_module(name)
        r["packages"][name] = {"ok": True, "version": str(getattr(m, "__version__", ""))}
    except BaseException as e:
        r["packages"][name] = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
print(json.dumps(r))
`;

interface PythonProbe {
  version: string;
  packages: Record<string, { ok: boolean; version?: string; error?: string }>;
}

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
  const python = opts.python ?? resolvePython();
  const { hardware: hw, software: sw } = env.spec;
  const needsPython = sw.python !== undefined || sw.pythonPackages.length > 0;

  const [gpu, probe, freeDiskGiB, commands] = await Promise.all([
    gpuInfo(run),
    needsPython ? probePython(run, python, sw.pythonPackages) : Promise.resolve(undefined),
    freeDisk(opts.diskPath ?? env.dir),
    Promise.all(sw.commands.map(async (cmd) => ({ cmd, path: await find(cmd) }))),
  ]);

  const cpuModel = cpus()[0]?.model.trim() || 'unknown CPU';
  const cpuCount = availableParallelism();
  const ramGiB = totalmem() / GiB;
  const checks: PreflightCheck[] = [];

  const bigEnough = gpu.gpus.filter((g) => g.memoryMiB >= hw.gpuMemoryGiB * 1024);
  checks.push({
    name: 'GPUs',
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
  if (needsPython) checks.push(...pythonChecks(python, sw.python, sw.pythonPackages, probe));
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
      ...(probe && 'version' in probe ? { python: probe.version } : {}),
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

async function probePython(run: CommandRunner, python: string, packages: string[]): Promise<PythonProbe | { problem: string }> {
  const r = await run(python, ['-c', PYTHON_PROBE, ...packages], { timeoutMs: PYTHON_TIMEOUT_MS });
  if (r.failure === 'not-found') return { problem: `${python} not found` };
  if (r.failure === 'timeout') return { problem: `${python} did not answer within ${PYTHON_TIMEOUT_MS / 1000} s` };
  // Packages may print on import; the probe's line is the last one.
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as PythonProbe;
  } catch {
    return { problem: `${python} failed: ${firstLine(r.stderr) || `exit code ${r.code}`}` };
  }
}

function pythonChecks(
  python: string,
  minVersion: string | undefined,
  packages: string[],
  probe: PythonProbe | { problem: string } | undefined,
): PreflightCheck[] {
  const problem = !probe ? 'not checked' : 'problem' in probe ? probe.problem : undefined;
  const version = probe && 'version' in probe ? probe.version : undefined;
  const checks: PreflightCheck[] = [
    {
      name: 'Python',
      ok: version !== undefined && (minVersion === undefined || versionAtLeast(version, minVersion)),
      found: version ? `${python} ${version}` : (problem ?? 'unknown'),
      needed: minVersion ? `≥ ${minVersion}` : 'any',
    },
  ];
  for (const name of packages) {
    const p = probe && 'packages' in probe ? probe.packages[name] : undefined;
    checks.push({
      name: `Python package ${name}`,
      ok: p?.ok === true,
      found: p ? (p.ok ? `${name} ${p.version ?? ''}`.trim() : `not importable: ${p.error ?? ''}`) : (problem ?? 'not checked'),
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

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 200) ?? '';
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

import { delimiter, join } from 'node:path';
import { packageRoot } from '../appPaths';
import type { CommandRunner } from './commandRunner';
import { runCommand } from './commandRunner';

/**
 * Which Python runs an environment's scorer and preflight probe. Candidates, in order: REDESK_PYTHON (when set),
 * `python3` from PATH, `/usr/bin/python3`; the first that imports every package in the env's
 * software.pythonPackages wins. Each distinct package list is probed once per resolver (the app holds one).
 */

/** The interpreter to use when nothing is known about the packages: REDESK_PYTHON when set, else python3 from PATH. */
export function resolvePython(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDESK_PYTHON || 'python3';
}

/** Candidate interpreters in the order they are tried, without duplicates. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = [env.REDESK_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return [...new Set(list)];
}

const PYTHON_TIMEOUT_MS = 20_000;

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

export interface PythonProbe {
  python: string;
  /** "3.11.7"; absent when the interpreter did not run. */
  version?: string;
  packages: Record<string, { ok: boolean; version?: string; error?: string }>;
  /** Why the interpreter gave no answer (not found, timed out, crashed). */
  problem?: string;
}

export interface PythonResolution {
  /** The interpreter to use: the first candidate with every package, else the first that runs, else the first. */
  python: string;
  /** Whether `python` imports every package asked for. */
  ok: boolean;
  /** The probe of `python` (its version and packages). */
  probe: PythonProbe;
  /** Every candidate probed, in order (stops at the first that has everything). */
  probes: PythonProbe[];
}

export interface PythonResolverOptions {
  run?: CommandRunner;
  /** Default pythonCandidates(process.env). */
  candidates?: string[];
}

export class PythonResolver {
  private readonly run: CommandRunner;
  private readonly candidates: string[];
  private readonly cache = new Map<string, Promise<PythonResolution>>();

  constructor(opts: PythonResolverOptions = {}) {
    this.run = opts.run ?? runCommand;
    this.candidates = opts.candidates ?? pythonCandidates();
  }

  /** The interpreter for these packages; probed once per distinct (sorted) list. */
  resolve(packages: readonly string[]): Promise<PythonResolution> {
    const wanted = [...new Set(packages)].sort();
    const key = wanted.join('\0');
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.probeAll(wanted);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** Forget what was probed (after the user installs a package, say). */
  clear(): void {
    this.cache.clear();
  }

  private async probeAll(packages: string[]): Promise<PythonResolution> {
    const probes: PythonProbe[] = [];
    for (const python of this.candidates) {
      const probe = await probePython(this.run, python, packages);
      probes.push(probe);
      if (probe.version !== undefined && packages.every((p) => probe.packages[p]?.ok)) {
        return { python, ok: true, probe, probes };
      }
    }
    // None has everything: the one that has the most (the first of equals) is shown and used, so the preflight lists
    // the fewest missing packages.
    const has = (p: PythonProbe) => (p.version === undefined ? -1 : packages.filter((name) => p.packages[name]?.ok).length);
    const fallback = probes.reduce<PythonProbe | undefined>((best, p) => (best === undefined || has(p) > has(best) ? p : best), undefined) ?? {
      python: 'python3',
      packages: {},
      problem: 'no candidates',
    };
    return { python: fallback.python, ok: false, probe: fallback, probes };
  }
}

export async function probePython(run: CommandRunner, python: string, packages: readonly string[]): Promise<PythonProbe> {
  const r = await run(python, ['-c', PYTHON_PROBE, ...packages], { timeoutMs: PYTHON_TIMEOUT_MS });
  if (r.failure === 'not-found') return { python, packages: {}, problem: `${python} not found` };
  if (r.failure === 'timeout') return { python, packages: {}, problem: `${python} did not answer within ${PYTHON_TIMEOUT_MS / 1000} s` };
  // Packages may print on import; the probe's line is the last one.
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(last) as { version: string; packages: PythonProbe['packages'] };
    return { python, version: parsed.version, packages: parsed.packages ?? {} };
  } catch {
    const first = r.stderr.trim().split('\n')[0]?.slice(0, 200);
    return { python, packages: {}, problem: `${python} failed: ${first || `exit code ${r.code}`}` };
  }
}

/** "python3: lacks torch (ModuleNotFoundError: …); /usr/bin/python3 not found" — for messages. */
export function describeMissing(res: PythonResolution, packages: readonly string[]): string {
  return res.probes
    .map((p) => {
      if (p.problem) return p.problem;
      const lacking = packages.filter((name) => !p.packages[name]?.ok);
      return lacking.length ? `${p.python} ${p.version ?? ''} lacks ${lacking.join(', ')}`.replace(/\s+/g, ' ') : `${p.python} has all`;
    })
    .join('; ');
}

/** <package root>/resources/python, where the shared scorer kit (redesk_envkit) and the task-standard adapter live. */
export function defaultPythonPath(): string[] {
  try {
    return [join(packageRoot(), 'resources', 'python')];
  } catch {
    return [];
  }
}

/** Our folders first, then whatever PYTHONPATH the host already had. */
export function withPythonPath(dirs: readonly string[], existing: string | undefined): string {
  return [...dirs, ...(existing ? existing.split(delimiter) : [])].filter(Boolean).join(delimiter);
}

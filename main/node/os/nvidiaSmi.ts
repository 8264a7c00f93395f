/**
 * nvidia-smi's CSV (`--format=csv,noheader,nounits`) as os.gpu data. Fields a GPU does not report come as "[N/A]"
 * or "[Not Supported]" (MIG slices report no utilisation): they are recorded as 0 and named in `na`.
 */

export const GPU_QUERY_ARGS = ['--query-gpu=index,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'];
export const APPS_QUERY_ARGS = ['--query-compute-apps=pid,process_name,used_memory', '--format=csv,noheader,nounits'];

export interface GpuSample {
  index: number;
  utilization: number;
  memoryUsedMiB: number;
  memoryTotalMiB: number;
  na?: string[];
}

export interface GpuProcess {
  pid: number;
  name: string;
  memoryMiB: number;
  na?: string[];
}

function rows(csv: string): string[][] {
  return csv
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('No running'))
    .map((l) => l.split(',').map((f) => f.trim()));
}

function num(field: string | undefined, name: string, na: string[], max = Infinity): number {
  const n = Number(field);
  if (field === undefined || field === '' || !Number.isFinite(n) || n < 0) {
    na.push(name);
    return 0;
  }
  return Math.min(n, max);
}

export function parseGpus(csv: string): GpuSample[] {
  const out: GpuSample[] = [];
  for (const f of rows(csv)) {
    const index = Number(f[0]);
    if (f.length < 4 || !Number.isInteger(index) || index < 0) continue;
    const na: string[] = [];
    const g: GpuSample = { index, utilization: num(f[1], 'utilization', na, 100), memoryUsedMiB: num(f[2], 'memoryUsedMiB', na), memoryTotalMiB: num(f[3], 'memoryTotalMiB', na) };
    if (na.length) g.na = na;
    out.push(g);
  }
  return out;
}

export function parseApps(csv: string): GpuProcess[] {
  const out: GpuProcess[] = [];
  for (const line of csv.split(/\r?\n/)) {
    // A process name may itself hold commas: it is everything between the pid and the memory.
    const m = /^\s*(\d+)\s*,\s*(.*?)\s*,\s*([^,]*?)\s*$/.exec(line);
    if (!m) continue;
    const na: string[] = [];
    const p: GpuProcess = { pid: Number(m[1]), name: m[2]!, memoryMiB: num(m[3], 'memoryMiB', na) };
    if (na.length) p.na = na;
    out.push(p);
  }
  return out;
}

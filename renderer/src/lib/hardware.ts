import type { EnvSummary } from '../../../main/common/api';

/** "1 GPU · 24 GiB · 4 CPUs · 16 GiB RAM", or "CPU only · …" when the environment needs no GPU. */
export function hardwareText(h: EnvSummary['hardware']): string {
  const parts: string[] = [];
  if (h.gpus > 0) parts.push(`${h.gpus} GPU${h.gpus > 1 ? 's' : ''}${h.gpuMemoryGiB ? ` (${h.gpuMemoryGiB} GiB)` : ''}`);
  else parts.push('CPU only');
  parts.push(`${h.cpus} CPU${h.cpus > 1 ? 's' : ''}`);
  parts.push(`${h.ramGiB} GiB RAM`);
  return parts.join(' · ');
}

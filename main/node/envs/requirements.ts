import type { PreflightCheck, PreflightReport } from '../../common/attempt';
import { RedeskError } from '../../common/errors';
import { ASSET_CHECK_PREFIX, ASSET_MISMATCH, GPU_CHECK, PACKAGE_CHECK_PREFIX, PYTHON_CHECK } from './preflight';

/**
 * What an attempt cannot start without: GPUs (count and memory), the Python interpreter and packages, and the
 * assets (present, pinned, matching). CPU count, RAM and disk are advice; the preflight shows them, nothing more.
 */
export interface UnmetRequirement {
  check: PreflightCheck;
  /** `force` may start anyway; never for an asset whose bytes differ from the pin. */
  forceable: boolean;
}

export function isRequirement(check: PreflightCheck): boolean {
  return (
    check.name === GPU_CHECK ||
    check.name === PYTHON_CHECK ||
    check.name.startsWith(PACKAGE_CHECK_PREFIX) ||
    check.name.startsWith(ASSET_CHECK_PREFIX)
  );
}

export function unmetRequirements(report: PreflightReport): UnmetRequirement[] {
  return report.checks
    .filter((c) => !c.ok && isRequirement(c))
    .map((check) => ({ check, forceable: !(check.name.startsWith(ASSET_CHECK_PREFIX) && check.found.startsWith(ASSET_MISMATCH)) }));
}

/** One line per unmet requirement: "GPUs: needs 1 with ≥ 80 GiB each; found none (nvidia-smi not found)". */
export function describeUnmet(unmet: readonly UnmetRequirement[]): string[] {
  return unmet.map(({ check: c }) => `${c.name}: needs ${c.needed}; found ${c.found}`);
}

/**
 * Throws ENV_REQUIREMENTS_UNMET listing exactly what is missing, unless nothing is or `force` covers all of it
 * (force never covers an asset with a wrong hash).
 */
export function assertRequirementsMet(report: PreflightReport | undefined, variant: string, force = false): void {
  if (!report) return;
  const unmet = unmetRequirements(report);
  const blocking = force ? unmet.filter((u) => !u.forceable) : unmet;
  if (blocking.length === 0) return;
  const lines = describeUnmet(blocking);
  const canForce = blocking.every((u) => u.forceable);
  throw new RedeskError(
    'ENV_REQUIREMENTS_UNMET',
    `${report.envId} (variant "${variant}") cannot start on this machine: ${lines.join('; ')}.`,
    {
      where: blocking[0]!.check.name,
      hint: canForce
        ? 'Supply what is missing (the preflight lists it), or start from the command line with --force to run anyway.'
        : 'An asset differs from the sha256 the environment pins: put the right file in place or import the environment pack again.',
    },
  );
}

import { EnvSchema, formatIssues, type EnvSpec } from '../../common/envSchema';
import { EnvInvalidError } from './EnvInvalidError';

/** The name used when an environment declares no variants. */
export const PLAIN_VARIANT = 'default';

export function variantNames(spec: EnvSpec): string[] {
  const names = Object.keys(spec.variants);
  return names.length ? names.sort() : [PLAIN_VARIANT];
}

export function defaultVariantName(spec: EnvSpec): string {
  return spec.defaultVariant ?? variantNames(spec)[0]!;
}

/**
 * The spec with a variant's overrides applied, validated again (a variant may, say, switch to a fixed baseline and
 * so need start and reference). Unknown variant → ENV_INVALID naming it and the known ones.
 */
export function applyVariant(spec: EnvSpec, file: string, variant?: string): { spec: EnvSpec; variant: string } {
  const name = variant ?? defaultVariantName(spec);
  const names = variantNames(spec);
  if (!names.includes(name)) {
    throw new EnvInvalidError(file, [`variant "${name}" does not exist; variants: ${names.join(', ')}`], 'variants');
  }
  const v = spec.variants[name];
  if (!v) return { spec, variant: name };
  const merged = {
    ...spec,
    instructions: v.instructions ?? spec.instructions,
    starter: v.starter ?? spec.starter,
    timeLimitMinutes: v.timeLimitMinutes ?? spec.timeLimitMinutes,
    hardware: { ...spec.hardware, ...v.hardware },
    software: { ...spec.software, ...v.software },
    assets: v.assets ?? spec.assets,
    ...(spec.taskstd || v.taskstd ? { taskstd: { ...spec.taskstd, ...v.taskstd } } : {}),
    scorer: { ...spec.scorer, ...v.scorer },
    score: { ...spec.score, ...v.score },
  };
  const parsed = EnvSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error).map((i) => `variant "${name}": ${i}`);
    throw new EnvInvalidError(file, issues, `variants.${name}`);
  }
  return { spec: parsed.data, variant: name };
}

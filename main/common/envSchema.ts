import { z } from 'zod';

/**
 * env.json: one schema, here; resources/schemas/env.schema.json is generated from it (npm run schema).
 * Field names follow DESIGN.md "Environments".
 */

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
    message: 'must be a relative path inside the environment folder',
  });

/**
 * A file the environment needs that is not in its folder's sources (a model, a data set): the organizer supplies it.
 * sha256 and size pin it; both absent means "unpinned" (known only once the organizer has the file: `redesk env pin`).
 */
export const AssetSchema = z
  .object({
    path: relPath,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional(),
    size: z.number().int().nonnegative().optional(),
    /** What it is ("Llama-3-8B weights, safetensors"). */
    description: z.string().optional(),
    /** How an organizer gets it: a URL or instructions. */
    obtain: z.string().optional(),
    /** An API endpoint or other thing that is not a file: listed for the organizer, never hashed or packed. */
    external: z.boolean().optional(),
  })
  .strict()
  .refine((a) => (a.sha256 === undefined) === (a.size === undefined), {
    message: 'give both sha256 and size, or neither (unpinned)',
  });

export const HardwareSchema = z
  .object({
    gpus: z.number().int().nonnegative().default(0),
    gpuMemoryGiB: z.number().nonnegative().default(0),
    cpus: z.number().int().positive().default(1),
    ramGiB: z.number().positive().default(1),
    diskGiB: z.number().nonnegative().default(1),
  })
  .strict();

export const SoftwareSchema = z
  .object({
    /** Minimum Python version, e.g. "3.9"; absent when the environment needs no Python. */
    python: z.string().regex(/^\d+\.\d+$/).optional(),
    /** Python modules that must import (e.g. "numpy"). */
    pythonPackages: z.array(z.string().min(1)).default([]),
    /** Other executables that must be on PATH. */
    commands: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const ScorerSchema = z
  .object({
    /**
     * Command line, run with the environment folder as cwd. Placeholders: {workspace} (the folder to score),
     * {envDir}, {cacheDir} (per-attempt folder the scorer may keep calibration in), {python} (the interpreter).
     */
    argv: z.array(z.string().min(1)).min(1),
    timeoutSeconds: z.number().positive().max(86400).default(600),
    /** Address-space limit for the scorer process; exceeding it scores null with SCORER_OUT_OF_MEMORY. */
    memoryMiB: z.number().int().positive().optional(),
    /** Whether the expert sees intermediate scores (RE-Bench hides some). */
    visibleToExpert: z.boolean().default(true),
    /** Score a copy of the workspace (safe default) or the folder itself (for multi-GB workspaces). */
    workspaceView: z.enum(['copy', 'direct']).default('copy'),
    /** Files the scorer needs besides itself, hashed into the scorer hash (relative to the env folder). */
    files: z.array(relPath).default([]),
  })
  .strict();

export const ScoreSpecSchema = z
  .object({
    direction: z.enum(['min', 'max']),
    /** best: min or max of valid scores, as direction says; last: the last valid score. */
    aggregate: z.enum(['best', 'last']),
    /** "fixed": start/reference below; "calibrated": the scorer reports them per machine (details.baseline). */
    baseline: z.enum(['fixed', 'calibrated']).default('fixed'),
    start: z.number().optional(),
    reference: z.number().optional(),
    unit: z.string().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.baseline === 'fixed') {
      if (s.start === undefined) ctx.addIssue({ code: 'custom', path: ['start'], message: 'required when baseline is "fixed"' });
      if (s.reference === undefined)
        ctx.addIssue({ code: 'custom', path: ['reference'], message: 'required when baseline is "fixed"' });
      if (s.start !== undefined && s.start === s.reference)
        ctx.addIssue({ code: 'custom', path: ['reference'], message: 'must differ from start' });
    }
  });

export const PausePolicySchema = z
  .object({
    allowed: z.boolean(),
    maxTotalMinutes: z.number().nonnegative().optional(),
  })
  .strict();

export const SubmissionSchema = z
  .object({
    /** Glob patterns relative to the workspace; what goes into the bundle. */
    include: z.array(z.string().min(1)).default(['**/*']),
    exclude: z.array(z.string().min(1)).default([]),
    /** Files larger than this are listed by hash, not copied. */
    maxFileBytes: z.number().int().positive().default(50 * 1024 * 1024),
  })
  .strict();

/**
 * A value the environment hands out (an API key, say): at attempt start the host's environment variable of this
 * name is passed to the attempt's terminals, and its value is replaced by a salted digest in every record.
 */
export const SecretSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name (letters, digits and _)'),
    description: z.string().optional(),
  })
  .strict();

/**
 * A METR task-standard family run as this environment (kind "taskstd"): `family` is the folder holding
 * `<folder name>.py` with its TaskFamily class, `task` one of get_tasks()'s names. See docs/DESIGN.md "Task-standard bridge".
 */
export const TaskStdSchema = z
  .object({
    family: relPath,
    task: z.string().min(1),
    /** What `score(t, submission)` gets on submit: this file of the workspace (trailing newline stripped). */
    submissionFile: relPath.default('submission.txt'),
  })
  .strict();

/**
 * Every field optional and without its default: a variant's `{ "gpus": 0 }` must leave the other hardware fields as
 * the top level has them (zod's .partial() would fill in the defaults, silently overriding them).
 */
function overrides<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([k, f]) => [k, (f instanceof z.ZodDefault ? (f.unwrap() as z.ZodType) : (f as z.ZodType)).optional()]),
  ) as unknown as { [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer I> ? I : T[K]> };
  return z.object(shape).strict();
}

/**
 * What a variant may change. A `mini` variant usually brings its own instructions, starter and scorer arguments;
 * `assets` and `software` replace the top-level lists when given.
 */
export const VariantSchema = z
  .object({
    description: z.string().optional(),
    instructions: relPath.optional(),
    starter: relPath.optional(),
    timeLimitMinutes: z.number().positive().optional(),
    hardware: overrides(HardwareSchema).optional(),
    software: overrides(SoftwareSchema).optional(),
    assets: z.array(AssetSchema).optional(),
    /** A task-standard environment's variants may pick another task of the family. */
    taskstd: TaskStdSchema.partial().optional(),
    scorer: overrides(ScorerSchema).optional(),
    score: z
      .object({
        start: z.number().optional(),
        reference: z.number().optional(),
        baseline: z.enum(['fixed', 'calibrated']).optional(),
        unit: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const EnvSchema = z
  .object({
    $schema: z.string().optional(),
    /** "native": redesk's own scorer protocol; "taskstd": a METR task family, through redesk_taskstd. */
    kind: z.enum(['native', 'taskstd']).default('native'),
    taskstd: TaskStdSchema.optional(),
    id: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'lowercase letters, digits and _, starting with a letter'),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'semantic version like 1.0.0'),
    title: z.string().min(1),
    /** Markdown file with the task, relative to the environment folder. */
    instructions: relPath,
    timeLimitMinutes: z.number().positive().max(7 * 24 * 60),
    pause: PausePolicySchema,
    hardware: HardwareSchema.default({ gpus: 0, gpuMemoryGiB: 0, cpus: 1, ramGiB: 1, diskGiB: 1 }),
    software: SoftwareSchema.default({ pythonPackages: [], commands: [] }),
    /** Folder copied into each attempt's workspace. */
    starter: relPath,
    scorer: ScorerSchema,
    score: ScoreSpecSchema,
    assets: z.array(AssetSchema).default([]),
    submission: SubmissionSchema.default({ include: ['**/*'], exclude: [], maxFileBytes: 50 * 1024 * 1024 }),
    /** Secrets the environment hands out; their values never reach the trajectory. */
    secrets: z
      .array(SecretSchema)
      .default([])
      .refine((l) => new Set(l.map((x) => x.name)).size === l.length, { message: 'secret names must be unique' }),
    variants: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), VariantSchema).default({}),
    defaultVariant: z.string().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === 'taskstd' && !s.taskstd) ctx.addIssue({ code: 'custom', path: ['taskstd'], message: 'required when kind is "taskstd"' });
    if (s.kind !== 'taskstd' && s.taskstd) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'must be "taskstd" when taskstd is given' });
  });

export type EnvSpec = z.infer<typeof EnvSchema>;
export type EnvInput = z.input<typeof EnvSchema>;
export type ScoreSpec = z.infer<typeof ScoreSpecSchema>;
export type ScorerSpec = z.infer<typeof ScorerSchema>;
export type HardwareSpec = z.infer<typeof HardwareSchema>;
export type VariantSpec = z.infer<typeof VariantSchema>;
export type SecretSpec = z.infer<typeof SecretSchema>;
export type TaskStdSpec = z.infer<typeof TaskStdSchema>;

/** The JSON Schema published in resources/schemas/env.schema.json. */
export function envJsonSchema(): unknown {
  return z.toJSONSchema(EnvSchema, { io: 'input', target: 'draft-2020-12' });
}

/** Format zod issues so each names its field: `scorer.timeoutSeconds: expected number`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

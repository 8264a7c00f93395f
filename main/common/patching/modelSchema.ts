import { z } from 'zod';

/**
 * model.json of a path-patching model folder (DESIGN.md "The path-patching explorer"): the shape of the model and
 * the ONNX file of each component. One schema, here; the loader checks the ONNX files against it.
 */

export const MODEL_FORMAT = 'redesk-model/1';

const fileName = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
    message: 'must be a file name inside the model folder',
  });

const positiveInt = z.number().int().positive();

export const VocabTokenizerSchema = z
  .object({
    kind: z.literal('vocab'),
    tokens: z.array(z.string().min(1)).min(1),
    /** How prompts are split into tokens; whitespace when absent. */
    separator: z.string().optional(),
  })
  .strict();

export const BpeTokenizerSchema = z
  .object({
    kind: z.literal('bpe'),
    /** A Hugging Face tokenizers file (GPT-2 byte-level BPE) in the model folder. */
    file: fileName,
  })
  .strict();

export const ModelTokenizerSchema = z.discriminatedUnion('kind', [VocabTokenizerSchema, BpeTokenizerSchema]);

export const ModelPartsSchema = z
  .object({
    embed: fileName,
    attn: z.array(fileName),
    mlp: z.array(fileName).default([]),
    unembed: fileName,
  })
  .strict();

export const ModelSourceSchema = z
  .object({
    arch: z.enum(['gpt2', 'tlens']),
    importedFrom: z.string().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional(),
  })
  .strict();

export const ModelSpecSchema = z
  .object({
    format: z.literal(MODEL_FORMAT, { message: `must be "${MODEL_FORMAT}"` }),
    name: z.string().min(1),
    layers: positiveInt,
    heads: positiveInt,
    dModel: positiveInt,
    dHead: positiveInt,
    context: positiveInt,
    vocabSize: positiveInt,
    mlp: z.boolean(),
    normalization: z.enum(['none', 'layernorm']),
    positional: z.enum(['learned', 'none']),
    tokenizer: ModelTokenizerSchema,
    parts: ModelPartsSchema,
    source: ModelSourceSchema.optional(),
    notes: z.string().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.parts.attn.length !== m.layers) {
      ctx.addIssue({ code: 'custom', path: ['parts', 'attn'], message: `must list ${m.layers} files (one per layer), not ${m.parts.attn.length}` });
    }
    const mlpWanted = m.mlp ? m.layers : 0;
    if (m.parts.mlp.length !== mlpWanted) {
      ctx.addIssue({
        code: 'custom',
        path: ['parts', 'mlp'],
        message: m.mlp ? `must list ${m.layers} files (one per layer), not ${m.parts.mlp.length}` : 'must be empty when "mlp" is false',
      });
    }
    if (m.tokenizer.kind === 'vocab' && m.tokenizer.tokens.length !== m.vocabSize) {
      ctx.addIssue({ code: 'custom', path: ['tokenizer', 'tokens'], message: `must list vocabSize (${m.vocabSize}) tokens, not ${m.tokenizer.tokens.length}` });
    }
    if (m.tokenizer.kind === 'vocab' && new Set(m.tokenizer.tokens).size !== m.tokenizer.tokens.length) {
      ctx.addIssue({ code: 'custom', path: ['tokenizer', 'tokens'], message: 'must not repeat a token' });
    }
  });

export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type ModelTokenizerSpec = z.infer<typeof ModelTokenizerSchema>;

/** The first problem of a failed parse as one line that names the field: `layers: expected number…`. */
export function describeModelSpecIssue(error: z.ZodError): { where: string; message: string } {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return { where, message: `${where}: ${issue?.message ?? 'invalid'}` };
}


/** model.json as JSON Schema (`redesk model schema`), generated from the zod schema above. */
export function modelJsonSchema(): unknown {
  return z.toJSONSchema(ModelSpecSchema, { io: 'input', target: 'draft-2020-12' });
}

import { z } from 'zod';
import { KnownKinds } from './kinds';
import { EVENT_SOURCES, EVENTS_FORMAT } from './record';

/**
 * One schema per trajectory file, here; the JSON Schemas are generated from these (eventsJsonSchemas).
 * Byte-level rules are in README.md beside this file.
 */

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const seq = z.number().int().nonnegative();
const attemptTime = z.number().nonnegative().refine(Number.isFinite, 'must be finite');
/** Dotted lowercase names: `pty.output`, `agent.tool_call`. */
const KIND_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

export const EventRecordSchema = z
  .object({
    seq,
    t: attemptTime,
    wall: z.string().min(1),
    src: z.enum(EVENT_SOURCES),
    kind: z.string().regex(KIND_RE, 'must be a dotted lowercase name like "pty.output"'),
    data: z.record(z.string(), z.unknown()),
    prev: hex64,
  })
  .strict()
  .refine((r) => r.kind.startsWith(`${r.src}.`), { message: 'kind must start with its src and a dot', path: ['kind'] });

export const CheckpointSchema = z
  .object({
    seq,
    head: hex64,
    t: attemptTime,
    wall: z.string().min(1),
    sig: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
  })
  .strict();

export const EventsMetaSchema = z
  .object({
    format: z.literal(EVENTS_FORMAT),
    attempt: z.string().min(1),
    salt: z.string().regex(/^[0-9a-f]{32,}$/, 'must be at least 16 bytes of lowercase hex'),
    publicKey: z.string().regex(/^ssh-ed25519 [A-Za-z0-9+/]+=*$/, 'must be "ssh-ed25519 <base64>"'),
    created: z.string().min(1),
  })
  .strict();

/**
 * JSON Schemas for events-*.jsonl lines, checkpoints.jsonl lines and meta.json. The record schema also checks the
 * data of each known kind (an if/then per kind), as the writer does.
 */
export function eventsJsonSchemas(): { record: unknown; checkpoint: unknown; meta: unknown } {
  const opts = { io: 'input', target: 'draft-2020-12' } as const;
  // The kind/src refinement has no JSON Schema form; the pattern and the per-kind branches carry most of it.
  const record = z.toJSONSchema(EventRecordSchema, { ...opts, unrepresentable: 'any' }) as Record<string, unknown>;
  const perKind = Object.entries(KnownKinds).map(([kind, schema]) => {
    const { $schema: _drop, ...data } = z.toJSONSchema(schema, { ...opts, unrepresentable: 'any' }) as Record<string, unknown>;
    return { if: { properties: { kind: { const: kind } }, required: ['kind'] }, then: { properties: { data } } };
  });
  return {
    record: { ...record, title: 'redesk trajectory record', allOf: perKind },
    checkpoint: { ...(z.toJSONSchema(CheckpointSchema, opts) as object), title: 'redesk trajectory checkpoint' },
    meta: { ...(z.toJSONSchema(EventsMetaSchema, opts) as object), title: 'redesk trajectory meta.json' },
  };
}

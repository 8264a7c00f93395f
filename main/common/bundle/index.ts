import { z } from 'zod';
import { ManifestSchema } from './manifest';
import { TicketSchema } from './ticket';

export * from './manifest';
export * from './ticket';
export * from './bundlePath';
export * from './scoreLog';

/** JSON Schemas of the bundle's formats, generated from the zod schemas above. */
export function bundleJsonSchemas(): { manifest: unknown; ticket: unknown } {
  return {
    manifest: z.toJSONSchema(ManifestSchema, { io: 'input', target: 'draft-2020-12' }),
    ticket: z.toJSONSchema(TicketSchema, { io: 'input', target: 'draft-2020-12' }),
  };
}

import { z } from 'zod';

/** A pause as state.json keeps it and a bundle's manifest carries it (the PauseRecord of attempt.ts). */
export const PauseRecordSchema = z.object({
  reason: z.string(),
  startedAtMs: z.number(),
  startedWall: z.string(),
  endedAtMs: z.number().optional(),
  endedWall: z.string().optional(),
  durationMs: z.number().optional(),
  endedBy: z.enum(['expert', 'budget', 'submit', 'expiry']).optional(),
});

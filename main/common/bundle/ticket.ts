import { z } from 'zod';

/**
 * ticket.json: an organizer's permission for one expert key to run one environment version once, in a time
 * window. Signed as it is stored (its exact bytes) with SSHSIG, namespace "redesk-ticket", in ticket.json.sig.
 */
export const TICKET_FORMAT = 'redesk-ticket/1';
export const TICKET_NAMESPACE = 'redesk-ticket';

const isoTime = z.iso.datetime({ offset: true });
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const openSshKey = z.string().regex(/^ssh-ed25519 [A-Za-z0-9+/]+=*$/, 'must be "ssh-ed25519 AAAA…" without a comment');
const sshFingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an ssh-keygen SHA256 fingerprint');

export const TicketSchema = z.object({
  format: z.literal(TICKET_FORMAT),
  /** Unique: a ticket admits one attempt; a second bundle with the same id is flagged. */
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lowercase UUID'),
  issuedAt: isoTime,
  env: z.object({
    id: z.string().min(1),
    version: z.string().min(1),
    /** The envHash of the environment as the organizer built it; the attempt must run exactly that. */
    hash: sha256Hex,
    /** When set, the attempt must use this variant. */
    variant: z.string().min(1).optional(),
  }),
  expert: z.object({ fingerprint: sshFingerprint, publicKey: openSshKey }),
  /** The attempt must start inside [notBefore, notAfter]. */
  notBefore: isoTime,
  notAfter: isoTime,
  /** Overrides the environment's time limit when set. */
  timeLimitMinutes: z.number().positive().max(7 * 24 * 60).optional(),
  organizer: z.object({ fingerprint: sshFingerprint, publicKey: openSshKey }),
  note: z.string().max(1000).optional(),
});

export type Ticket = z.infer<typeof TicketSchema>;

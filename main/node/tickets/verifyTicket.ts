import type { KeyObject } from 'node:crypto';
import { TICKET_NAMESPACE, TicketSchema, type Ticket } from '../../common/bundle/ticket';
import { formatIssues } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import { fingerprint, parseOpenSsh, toPublicKey } from '../keys/openssh';
import { sameKey, verifySshsig } from '../ssh/sshsig';

/** Largest ticket.json read; a ticket is a few hundred bytes. */
export const MAX_TICKET_BYTES = 64 * 1024;

export interface TicketCheck {
  /** The moment that must lie in the window: when the attempt starts (or, for a sealed bundle, started). */
  now: Date;
  /** The environment the attempt runs; its hash is enough, id and version make the message clearer. */
  env?: { id?: string; version?: string; hash: string; variant?: string };
  /** Shorthand for env.hash. */
  envHash?: string;
  /** The key the attempt is (or was) made with. */
  expertKey?: string | KeyObject;
  /** The attempt's time limit, when it must match the ticket's. */
  timeLimitMs?: number;
}

export interface VerifiedTicket {
  ticket: Ticket;
  /**
   * True when checked against an organizer key the caller trusts; false when only against the key the ticket
   * names itself, which proves the ticket is intact, not who issued it.
   */
  organizerTrusted: boolean;
}

/** The ticket's JSON, checked against its schema; TICKET_MALFORMED otherwise. */
export function parseTicket(bytes: Buffer | string): Ticket {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  if (text.length > MAX_TICKET_BYTES) throw malformed(`it is larger than ${MAX_TICKET_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw malformed(`it is not JSON (${(e as Error).message})`);
  }
  const r = TicketSchema.safeParse(raw);
  if (!r.success) throw malformed(formatIssues(r.error).slice(0, 3).join('; '));
  return r.data;
}

/**
 * Checks a ticket in this order, throwing the first failure's code: its form (TICKET_MALFORMED), its signature
 * by the organizer (TICKET_SIGNATURE_INVALID: a bad signature, or a signer other than `organizerKey` or than the
 * organizer the ticket names), the window (TICKET_NOT_YET_VALID, TICKET_EXPIRED), the environment
 * (TICKET_ENV_MISMATCH), the expert (TICKET_EXPERT_MISMATCH) and the time limit (TICKET_TERMS_MISMATCH).
 */
export function verifyTicket(bytes: Buffer | string, sig: string, organizerKey: string | KeyObject | undefined, check: TicketCheck): VerifiedTicket {
  const ticket = parseTicket(bytes);
  let signer: KeyObject;
  try {
    signer = verifySshsig(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes, sig, TICKET_NAMESPACE).publicKey;
  } catch (e) {
    throw new RedeskError('TICKET_SIGNATURE_INVALID', `Ticket ${ticket.id}: ${(e as Error).message}`, { cause: e, hint: 'Ask the organizer for the ticket again, with its .sig file.' });
  }
  if (!sameKey(signer, parseOpenSsh(ticket.organizer.publicKey))) {
    throw new RedeskError('TICKET_SIGNATURE_INVALID', `Ticket ${ticket.id} names organizer ${ticket.organizer.fingerprint} but is signed by ${fingerprint(signer)}.`);
  }
  if (organizerKey !== undefined && !sameKey(signer, toPublicKey(organizerKey))) {
    throw new RedeskError('TICKET_SIGNATURE_INVALID', `Ticket ${ticket.id} is signed by ${fingerprint(signer)}, not by the organizer key given (${fingerprint(toPublicKey(organizerKey))}).`, {
      hint: 'The ticket comes from another organizer, or the organizer key given is the wrong one.',
    });
  }
  const now = check.now.getTime();
  if (now < Date.parse(ticket.notBefore)) {
    throw new RedeskError('TICKET_NOT_YET_VALID', `Ticket ${ticket.id} is valid from ${ticket.notBefore}; the attempt ${check.now.toISOString()} is earlier.`, { hint: 'Start the attempt inside the ticket\'s window.' });
  }
  if (now > Date.parse(ticket.notAfter)) {
    throw new RedeskError('TICKET_EXPIRED', `Ticket ${ticket.id} expired at ${ticket.notAfter}; the attempt ${check.now.toISOString()} is later.`, { hint: 'Ask the organizer for a new ticket.' });
  }
  const env = check.env ?? (check.envHash ? { hash: check.envHash } : undefined);
  if (env) {
    const want = ticket.env;
    const diff =
      env.id !== undefined && env.id !== want.id
        ? `environment ${env.id}, not ${want.id}`
        : env.version !== undefined && env.version !== want.version
          ? `${want.id} version ${env.version}, not ${want.version}`
          : env.hash !== want.hash
            ? `an environment whose hash is ${env.hash.slice(0, 12)}…, not ${want.hash.slice(0, 12)}… (the files differ from what the organizer issued)`
            : want.variant !== undefined && env.variant !== undefined && env.variant !== want.variant
              ? `variant ${env.variant}, not ${want.variant}`
              : undefined;
    if (diff) {
      throw new RedeskError('TICKET_ENV_MISMATCH', `Ticket ${ticket.id} is for ${want.id}@${want.version}; this is ${diff}.`, {
        hint: 'Import the environment pack the organizer issued the ticket for.',
      });
    }
  }
  if (check.expertKey !== undefined) {
    const expert = toPublicKey(check.expertKey);
    if (!sameKey(expert, parseOpenSsh(ticket.expert.publicKey))) {
      throw new RedeskError('TICKET_EXPERT_MISMATCH', `Ticket ${ticket.id} is for expert key ${ticket.expert.fingerprint}, not ${fingerprint(expert)}.`, {
        hint: 'Send the organizer the public key from `redesk keys show` and ask for a ticket for it.',
      });
    }
  }
  if (check.timeLimitMs !== undefined && ticket.timeLimitMinutes !== undefined && Math.abs(check.timeLimitMs - ticket.timeLimitMinutes * 60_000) > 1) {
    throw new RedeskError('TICKET_TERMS_MISMATCH', `Ticket ${ticket.id} sets a time limit of ${ticket.timeLimitMinutes} min; the attempt had ${check.timeLimitMs / 60_000} min.`);
  }
  return { ticket, organizerTrusted: organizerKey !== undefined };
}

function malformed(why: string): RedeskError {
  return new RedeskError('TICKET_MALFORMED', `The ticket cannot be read: ${why}.`, { hint: 'Use the ticket.json file the organizer sent, unchanged.' });
}

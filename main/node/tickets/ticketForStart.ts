import type { KeyObject } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ticket } from '../../common/bundle/ticket';
import { RedeskError } from '../../common/errors';
import type { LoadedEnv } from '../contracts';
import { atomicWrite } from '../store/atomicWrite';
import { MAX_TICKET_BYTES, parseTicket, verifyTicket } from './verifyTicket';

/** Where an attempt keeps the ticket it runs under: beside state.json, copied byte for byte. */
export const ATTEMPT_TICKET = 'ticket.json';
export const ATTEMPT_TICKET_SIG = 'ticket.json.sig';

export interface TicketStartInput {
  /** The ticket.json file the organizer sent. */
  ticketPath: string;
  /** Its signature; `<ticketPath>.sig` by default. */
  sigPath?: string;
  /** The environment about to start (variant applied, hashed). */
  env: LoadedEnv;
  expertKey: KeyObject;
  /** An organizer key the app trusts, if it knows one; otherwise the ticket's own key is checked (integrity only). */
  organizerKey?: string | KeyObject;
  now: Date;
  /** `<dataDir>/attempts`: a ticket already used by an attempt there is refused (TICKET_REUSED). */
  attemptsDir?: string;
}

export interface TicketForStart {
  ticket: Ticket;
  /** The exact bytes to store with the attempt (installTicket). */
  bytes: Buffer;
  sig: string;
  /** The attempt's time limit when the ticket sets one (it overrides the environment's). */
  timeLimitMs?: number;
  /** The variant the ticket requires, when it names one. */
  variant?: string;
  organizerTrusted: boolean;
}

/**
 * Everything that must hold before an attempt starts under a ticket: signature, window (now), environment id,
 * version, hash and variant, expert key, and that no attempt here used the ticket already. Throws TICKET_*.
 */
export async function validateTicketForStart(i: TicketStartInput): Promise<TicketForStart> {
  const bytes = await readSmall(i.ticketPath);
  const sig = (await readSmall(i.sigPath ?? `${i.ticketPath}.sig`)).toString('utf8');
  const { ticket, organizerTrusted } = verifyTicket(bytes, sig, i.organizerKey, {
    now: i.now,
    env: { id: i.env.spec.id, version: i.env.spec.version, hash: i.env.envHash, variant: i.env.variant },
    expertKey: i.expertKey,
  });
  if (i.attemptsDir) {
    const used = await attemptUsingTicket(i.attemptsDir, ticket.id);
    if (used) {
      throw new RedeskError('TICKET_REUSED', `Ticket ${ticket.id} was already used by attempt ${used}.`, {
        hint: 'A ticket admits one attempt; ask the organizer for another.',
        where: used,
      });
    }
  }
  return {
    ticket,
    bytes,
    sig,
    organizerTrusted,
    ...(ticket.timeLimitMinutes !== undefined ? { timeLimitMs: ticket.timeLimitMinutes * 60_000 } : {}),
    ...(ticket.env.variant !== undefined ? { variant: ticket.env.variant } : {}),
  };
}

/** Stores the ticket with the attempt, so the bundle carries it: `<attemptDir>/ticket.json` and `.sig`. */
export async function installTicket(attemptDir: string, t: Pick<TicketForStart, 'bytes' | 'sig'>): Promise<void> {
  await atomicWrite(join(attemptDir, ATTEMPT_TICKET), t.bytes);
  await atomicWrite(join(attemptDir, ATTEMPT_TICKET_SIG), t.sig);
}

/** The attempt's ticket files, or undefined for a practice attempt. */
export async function readAttemptTicket(attemptDir: string): Promise<{ bytes: Buffer; sig: string; ticket: Ticket } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readSmall(join(attemptDir, ATTEMPT_TICKET));
  } catch (e) {
    if ((e as RedeskError).code === 'FILE_NOT_FOUND') return undefined;
    throw e;
  }
  const sig = (await readSmall(join(attemptDir, ATTEMPT_TICKET_SIG))).toString('utf8');
  return { bytes, sig, ticket: parseTicket(bytes) };
}

/** The id of an attempt under attemptsDir that holds this ticket, if any. */
export async function attemptUsingTicket(attemptsDir: string, ticketId: string): Promise<string | undefined> {
  const names = await readdir(attemptsDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const text = await readFile(join(attemptsDir, name, ATTEMPT_TICKET), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      if ((JSON.parse(text) as { id?: unknown }).id === ticketId) return name;
    } catch {
      // A damaged ticket file belongs to that attempt's problems, not this one's.
    }
  }
  return undefined;
}

async function readSmall(path: string): Promise<Buffer> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new RedeskError('FILE_NOT_FOUND', `Cannot read ${path}.`, { where: path, hint: 'A ticket comes as two files: ticket.json and ticket.json.sig, side by side.' });
  }
  if (size > MAX_TICKET_BYTES) throw new RedeskError('TICKET_MALFORMED', `${path} is ${size} bytes; a ticket is far smaller.`, { where: path });
  return readFile(path);
}

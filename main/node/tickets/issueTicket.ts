import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { TICKET_FORMAT, TICKET_NAMESPACE, type Ticket } from '../../common/bundle/ticket';
import { RedeskError } from '../../common/errors';
import { fingerprint, toOpenSsh, toPublicKey } from '../keys/openssh';
import { signSshsig } from '../ssh/sshsig';

export interface IssueTicketOptions {
  /** The organizer's private key; its public half goes into the ticket. */
  organizerKey: KeyObject;
  env: Ticket['env'];
  /** The expert's public key (OpenSSH line, PEM or KeyObject). */
  expertKey: string | KeyObject;
  notBefore: Date;
  notAfter: Date;
  timeLimitMinutes?: number;
  note?: string;
  now?: Date;
  /** Tests pin it; a fresh random UUID otherwise. */
  id?: string;
}

/** A ticket as stored: the JSON text (what is signed, byte for byte) and its armored SSHSIG. */
export interface SignedTicket {
  ticket: Ticket;
  json: string;
  sig: string;
}

/** Makes and signs a ticket (SSHSIG, namespace "redesk-ticket", by the organizer key). */
export function issueTicket(o: IssueTicketOptions): SignedTicket {
  for (const [name, d] of [['not-before', o.notBefore], ['not-after', o.notAfter]] as const) {
    if (Number.isNaN(d.getTime())) throw new RedeskError('BAD_REQUEST', `The ${name} time is not a valid date.`, { hint: 'Use ISO 8601, e.g. 2026-12-01T09:00:00Z.' });
  }
  if (o.notAfter <= o.notBefore) throw new RedeskError('BAD_REQUEST', 'The ticket window is empty: not-after must be later than not-before.');
  if (o.timeLimitMinutes !== undefined && !(o.timeLimitMinutes > 0)) throw new RedeskError('BAD_REQUEST', 'The time limit must be a positive number of minutes.');
  const expert = toPublicKey(o.expertKey);
  const organizer = createPublicKey(o.organizerKey);
  const ticket: Ticket = {
    format: TICKET_FORMAT,
    id: o.id ?? randomUUID(),
    issuedAt: (o.now ?? new Date()).toISOString(),
    env: o.env,
    expert: { fingerprint: fingerprint(expert), publicKey: toOpenSsh(expert) },
    notBefore: o.notBefore.toISOString(),
    notAfter: o.notAfter.toISOString(),
    ...(o.timeLimitMinutes !== undefined ? { timeLimitMinutes: o.timeLimitMinutes } : {}),
    organizer: { fingerprint: fingerprint(organizer), publicKey: toOpenSsh(organizer) },
    ...(o.note ? { note: o.note } : {}),
  };
  const json = `${JSON.stringify(ticket, null, 2)}\n`;
  return { ticket, json, sig: signSshsig(Buffer.from(json, 'utf8'), o.organizerKey, TICKET_NAMESPACE) };
}

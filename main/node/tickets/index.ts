/** Organizer-signed tickets: issue, verify, and the checks before an attempt starts under one. */
export { issueTicket, type IssueTicketOptions, type SignedTicket } from './issueTicket';
export { verifyTicket, parseTicket, MAX_TICKET_BYTES, type TicketCheck, type VerifiedTicket } from './verifyTicket';
export {
  validateTicketForStart,
  installTicket,
  readAttemptTicket,
  attemptUsingTicket,
  ATTEMPT_TICKET,
  ATTEMPT_TICKET_SIG,
  type TicketStartInput,
  type TicketForStart,
} from './ticketForStart';

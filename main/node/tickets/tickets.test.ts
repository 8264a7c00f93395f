import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadedEnv } from '../contracts';
import { toOpenSsh } from '../keys/openssh';
import { signSshsig } from '../ssh/sshsig';
import { issueTicket } from './issueTicket';
import { installTicket, readAttemptTicket, validateTicketForStart } from './ticketForStart';
import { verifyTicket } from './verifyTicket';

const organizer = generateKeyPairSync('ed25519');
const expert = generateKeyPairSync('ed25519');
const HASH = 'a'.repeat(64);
const env = { id: 'prefix_sum_mini', version: '1.0.0', hash: HASH };
const window = { notBefore: new Date('2026-12-01T09:00:00Z'), notAfter: new Date('2026-12-02T09:00:00Z') };
const inWindow = new Date('2026-12-01T12:00:00Z');

function issue(over: Partial<Parameters<typeof issueTicket>[0]> = {}) {
  return issueTicket({ organizerKey: organizer.privateKey, env, expertKey: expert.publicKey, ...window, timeLimitMinutes: 480, ...over });
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('tickets', () => {
  it('issues a ticket that verifies, with its fields', () => {
    const t = issue();
    const v = verifyTicket(t.json, t.sig, organizer.publicKey, { now: inWindow, envHash: HASH, expertKey: expert.publicKey, timeLimitMs: 480 * 60_000 });
    expect(v.organizerTrusted).toBe(true);
    expect(v.ticket).toMatchObject({ env, timeLimitMinutes: 480, expert: { publicKey: toOpenSsh(expert.publicKey) } });
    expect(v.ticket.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(issue().ticket.id).not.toBe(t.ticket.id);
  });

  it('gives each failure its stable code', () => {
    const t = issue();
    const ok = { now: inWindow, envHash: HASH, expertKey: expert.publicKey };
    const other = generateKeyPairSync('ed25519');
    expect(codeOf(() => verifyTicket(t.json.replace('480', '960'), t.sig, organizer.publicKey, ok))).toBe('TICKET_SIGNATURE_INVALID');
    expect(codeOf(() => verifyTicket(t.json, t.sig, other.publicKey, ok))).toBe('TICKET_SIGNATURE_INVALID');
    // Signed by someone else, naming the real organizer inside: the signer must be the organizer it names.
    expect(codeOf(() => verifyTicket(t.json, signSshsig(Buffer.from(t.json), other.privateKey, 'redesk-ticket'), undefined, ok))).toBe('TICKET_SIGNATURE_INVALID');
    expect(codeOf(() => verifyTicket(t.json, signSshsig(Buffer.from(t.json), organizer.privateKey, 'redesk-bundle'), undefined, ok))).toBe('TICKET_SIGNATURE_INVALID');
    expect(codeOf(() => verifyTicket(t.json, t.sig, organizer.publicKey, { ...ok, now: new Date('2026-12-03T00:00:00Z') }))).toBe('TICKET_EXPIRED');
    expect(codeOf(() => verifyTicket(t.json, t.sig, organizer.publicKey, { ...ok, now: new Date('2026-11-30T00:00:00Z') }))).toBe('TICKET_NOT_YET_VALID');
    expect(codeOf(() => verifyTicket(t.json, t.sig, organizer.publicKey, { ...ok, envHash: 'b'.repeat(64) }))).toBe('TICKET_ENV_MISMATCH');
    expect(codeOf(() => verifyTicket(t.json, t.sig, organizer.publicKey, { ...ok, env: { id: 'other', hash: HASH } }))).toBe('TICKET_ENV_MISMATCH');
    expect(codeOf(() => verifyTicket(t.json, t.sig, organizer.publicKey, { ...ok, expertKey: other.publicKey }))).toBe('TICKET_EXPERT_MISMATCH');
    expect(codeOf(() => verifyTicket(t.json, t.sig, organizer.publicKey, { ...ok, timeLimitMs: 60_000 }))).toBe('TICKET_TERMS_MISMATCH');
    expect(codeOf(() => verifyTicket('{"format":"x"}', t.sig, organizer.publicKey, ok))).toBe('TICKET_MALFORMED');
  });

  it('refuses an empty window', () => {
    expect(codeOf(() => issue({ notAfter: window.notBefore }))).toBe('BAD_REQUEST');
  });

  it('validates a ticket for start, installs it with the attempt, and refuses it a second time', async () => {
    const root = await mkdtemp(join(tmpdir(), 'redesk-ticket-'));
    dirs.push(root);
    const t = issue({ env: { ...env, variant: 'mini' } });
    await writeFile(join(root, 'ticket.json'), t.json);
    await writeFile(join(root, 'ticket.json.sig'), t.sig);
    const loaded = { spec: { id: env.id, version: env.version }, variant: 'mini', envHash: HASH } as unknown as LoadedEnv;
    const attemptsDir = join(root, 'attempts');
    const input = { ticketPath: join(root, 'ticket.json'), env: loaded, expertKey: expert.publicKey, now: inWindow, attemptsDir };
    const v = await validateTicketForStart(input);
    expect(v).toMatchObject({ timeLimitMs: 480 * 60_000, variant: 'mini', organizerTrusted: false });
    const attemptDir = join(attemptsDir, 'prefix_sum_mini-20261201T120000-abcd');
    await mkdir(attemptDir, { recursive: true });
    expect(await readAttemptTicket(attemptDir)).toBeUndefined();
    await installTicket(attemptDir, v);
    expect((await readAttemptTicket(attemptDir))?.ticket.id).toBe(t.ticket.id);
    await expect(validateTicketForStart(input)).rejects.toMatchObject({ code: 'TICKET_REUSED' });
    await expect(validateTicketForStart({ ...input, attemptsDir: undefined, env: { ...loaded, variant: 'full' } as LoadedEnv })).rejects.toMatchObject({ code: 'TICKET_ENV_MISMATCH' });
  });
});

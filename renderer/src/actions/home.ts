import { api } from '../api/client';
import { getState, resetAttemptSlices, setState } from '../store/store';
import { openAttemptView } from './attempt';
import { reportError } from './toasts';
import { ApiError } from '../api/ApiError';
import { stashTerminals } from './terminals';
import { writeHash } from '../lib/hashRoute';

export async function loadEnvs(): Promise<void> {
  try {
    const envs = await api.envList();
    setState({ envs });
    const selected = getState().selectedEnvId;
    const first = envs.find((e) => !e.error);
    if (!selected && first) void selectEnv(first.id);
  } catch (e) {
    reportError(e, 'Could not list environments');
  }
}

export async function loadAttempts(): Promise<void> {
  try {
    const attempts = await api.attemptList();
    // Newest first: the attempt the expert most likely wants back is the last one they made.
    attempts.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    setState({ attempts });
  } catch (e) {
    reportError(e, 'Could not list attempts');
  }
}

export async function selectEnv(envId: string): Promise<void> {
  setState({ selectedEnvId: envId });
  await Promise.all([runPreflight(envId), loadRecordingPolicy(envId)]);
}

/** The privacy notice shown before Start. A failure is shown in the notice itself rather than as a toast. */
export async function loadRecordingPolicy(envId: string): Promise<void> {
  try {
    const policy = await api.recordingPolicy(envId);
    setState({ policies: { ...getState().policies, [envId]: policy } });
  } catch (e) {
    const { code, message } = ApiError.from(e);
    setState({ policies: { ...getState().policies, [envId]: { error: { code, message } } } });
  }
}

/** The variant the expert chose for an environment, or undefined for its default. */
function chosenVariant(envId: string): string | undefined {
  return getState().selectedVariant[envId];
}

export async function selectVariant(envId: string, variant: string): Promise<void> {
  setState({ selectedVariant: { ...getState().selectedVariant, [envId]: variant } });
  await runPreflight(envId);
}

export async function runPreflight(envId: string): Promise<void> {
  setState({ preflightLoading: { ...getState().preflightLoading, [envId]: true } });
  try {
    const report = await api.preflight(envId, chosenVariant(envId));
    setState({ preflight: { ...getState().preflight, [envId]: report } });
  } catch (e) {
    reportError(e, 'Preflight failed');
  } finally {
    setState({ preflightLoading: { ...getState().preflightLoading, [envId]: false } });
  }
}

/** Starts an attempt; with a ticket path (the organizer's ticket.json on this machine) it runs under that ticket. */
export async function startAttempt(envId: string, ticketPath?: string): Promise<void> {
  if (getState().starting) return;
  setState({ starting: true });
  try {
    const ticket = ticketPath?.trim();
    const variant = chosenVariant(envId);
    const info = await api.attemptStart(envId, { ...(ticket ? { ticket } : {}), ...(variant ? { variant } : {}) });
    await openAttemptView(info.id, info);
  } catch (e) {
    reportError(e, 'Could not start the attempt');
  } finally {
    setState({ starting: false });
  }
}

export function goHome(): void {
  stashTerminals();
  resetAttemptSlices();
  setState({ view: { kind: 'home' } });
  writeHash('');
  void loadAttempts();
}

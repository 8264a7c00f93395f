import { describe, expect, it } from 'vitest';
import type { LogStatus } from '../../../main/common/api';
import { mergeStatus, savedView } from './savedState';

const st = (lastSeq: number, durableSeq: number, extra: Partial<LogStatus> = {}): LogStatus => ({ attemptId: 'a', lastSeq, durableSeq, checkpointSeq: -1, ...extra });

describe('savedView', () => {
  it('says Saved only when the disk has everything and nothing waits in the renderer', () => {
    expect(savedView(st(10, 10), 0, null).text).toBe('Saved');
    expect(savedView(st(10, 9), 0, null).text).toBe('Saving…');
    expect(savedView(st(10, 10), 1, null).text).toBe('Saving…');
    expect(savedView(null, 0, null).state).toBe('checking');
    expect(savedView(null, 2, { code: 'DISCONNECTED', message: 'lost' }).title).toMatch(/DISCONNECTED/);
  });

  it('says the disk is full with the code and every record kept in memory', () => {
    const v = savedView(st(20, 12, { writeError: { code: 'DISK_FULL', message: 'ENOSPC', pendingRecords: 8 } }), 3, null);
    expect(v).toMatchObject({ state: 'error', text: 'Disk full — keeping 11 records in memory', code: 'DISK_FULL' });
  });
});

describe('mergeStatus', () => {
  it('never moves positions back, and takes the newer writeError', () => {
    const full = st(20, 12, { writeError: { code: 'DISK_FULL', message: 'x', pendingRecords: 8 } });
    expect(mergeStatus(st(25, 25), st(20, 20))).toMatchObject({ lastSeq: 25, durableSeq: 25 });
    expect(mergeStatus(st(10, 10), full).writeError?.code).toBe('DISK_FULL');
    // A late answer from before the disk filled does not clear the error; a newer status does.
    expect(mergeStatus(full, st(15, 12)).writeError?.code).toBe('DISK_FULL');
    expect(mergeStatus(full, st(22, 22)).writeError).toBeUndefined();
    expect(mergeStatus(st(99, 99, { attemptId: 'b' }), st(1, 1))).toMatchObject({ attemptId: 'a', lastSeq: 1 });
  });
});

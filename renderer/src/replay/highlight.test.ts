import { describe, expect, it } from 'vitest';
import { highlight } from './highlight';

describe('highlight', () => {
  it('marks the first match, as plain text or as a regex', () => {
    expect(highlight('…$ echo Needle ⏎ needle', 'needle', false)).toEqual(['…$ echo ', 'Needle', ' ⏎ needle']);
    expect(highlight('loss=0.25 loss=0.5', 'loss=0\\.5', true)).toEqual(['loss=0.25 ', 'loss=0.5', '']);
    expect(highlight('a.b', '.', false)).toEqual(['a', '.', 'b']);
    expect(highlight('abc', '(', true)).toEqual(['abc', '', '']);
  });
});

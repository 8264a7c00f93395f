import { seededRandom } from '../../../common/seededRandom';
/** Seeded, so a failing replay test can be rerun with its seed. */
export const prng = seededRandom;

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function int(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/**
 * Keeps a bounded view of a stream of text: its first half-cap characters and a rolling window of the last
 * half-cap, counting what falls between. A flood costs a fixed amount of memory however long it runs.
 */
export class OutputCap {
  private head = '';
  private tail = '';
  private total = 0;
  private readonly half: number;

  constructor(private readonly max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  push(data: string): void {
    this.total += data.length;
    if (this.head.length < this.half) {
      const room = this.half - this.head.length;
      this.head += data.slice(0, room);
      data = data.slice(room);
    }
    if (!data) return;
    this.tail += data;
    // Trim lazily (at twice the window) so a stream of small chunks is not copied on every push.
    if (this.tail.length > 2 * this.half) this.tail = this.tail.slice(-this.half);
  }

  /** The last n characters seen (for finding an end marker). */
  tailText(n: number): string {
    const all = this.tail.length >= n ? this.tail : this.head + this.tail;
    return all.slice(-n);
  }

  get totalChars(): number {
    return this.total;
  }

  /** The kept text, cleaned by `clean`, with a marker where the middle was left out. */
  text(clean: (s: string) => string = (s) => s): { output: string; elidedChars: number } {
    const tail = this.tail.length > this.half ? this.tail.slice(-this.half) : this.tail;
    const elided = this.total - this.head.length - tail.length;
    if (elided <= 0) return { output: clean(this.head + tail), elidedChars: 0 };
    return { output: `${clean(this.head)}\n[… ${elided} characters of output elided (cap ${this.max}) …]\n${clean(tail)}`, elidedChars: elided };
  }
}

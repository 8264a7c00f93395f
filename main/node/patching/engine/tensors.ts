/** Row-major Float32Array helpers for the residual stream: [pos, dModel] rows and [pos, heads, dModel] head stacks. */

export function add(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}

export function sub(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

/** acc += a, in place. */
export function addTo(acc: Float32Array, a: Float32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + a[i]!;
}

/** acc += a − b, in place. */
export function addDiff(acc: Float32Array, a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + a[i]! - b[i]!;
}

/** Writes x [pos, d] into head h of a [.., pos, heads, d] stack at row offset `at` (in floats). */
export function putHead(dst: Float32Array, at: number, x: Float32Array, h: number, heads: number, d: number): void {
  // Plain index loops: a subarray per position made the sweep spend more time in the garbage collector than in ORT.
  const pos = x.length / d;
  for (let p = 0; p < pos; p++) {
    const o = at + (p * heads + h) * d;
    const i0 = p * d;
    for (let i = 0; i < d; i++) dst[o + i] = x[i0 + i]!;
  }
}

/** Head h of a [pos, heads, d] stack starting at `at`, as a new [pos, d] array. */
export function takeHead(src: Float32Array, at: number, pos: number, h: number, heads: number, d: number): Float32Array {
  const out = new Float32Array(pos * d);
  for (let p = 0; p < pos; p++) {
    const o = at + (p * heads + h) * d;
    const i0 = p * d;
    for (let i = 0; i < d; i++) out[i0 + i] = src[o + i]!;
  }
  return out;
}

/** The last n positions of a [pos, d] row, as a view (the row itself when it has n positions). */
export function tail(x: Float32Array, n: number, d: number): Float32Array {
  if (x.length < n * d) throw new Error(`a row of ${x.length / d} positions has no last ${n}`);
  return x.length === n * d ? x : x.subarray(x.length - n * d);
}

/** The last position of a [pos, d] row. */
export function lastPos(x: Float32Array, d: number): Float32Array {
  return tail(x, 1, d);
}

/** Rows of `size` floats each, as views into one array. */
export function splitRows(x: Float32Array, size: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let at = 0; at < x.length; at += size) out.push(x.subarray(at, at + size));
  return out;
}

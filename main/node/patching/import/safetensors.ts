import { RedeskError } from '../../../common/errors';
import type { Tensor } from '../model/weights';

/**
 * safetensors (huggingface/safetensors): an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the raw little-endian data.
 * F32, F16 and BF16 are read (as float32); F32 is written.
 */

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES_PER: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

function invalid(message: string): RedeskError {
  return new RedeskError('MODEL_IMPORT_INVALID', message, { hint: 'Pass a .safetensors file (as saved by safetensors or Hugging Face).' });
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decode(dtype: string, bytes: Uint8Array, count: number, name: string): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
  else if (dtype === 'F64') for (let i = 0; i < count; i++) out[i] = dv.getFloat64(i * 8, true);
  else if (dtype === 'F16') for (let i = 0; i < count; i++) out[i] = halfToFloat(dv.getUint16(i * 2, true));
  else if (dtype === 'BF16') {
    const word = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < count; i++) {
      word.setUint32(0, dv.getUint16(i * 2, true) << 16);
      out[i] = word.getFloat32(0);
    }
  } else throw invalid(`tensor ${name} has dtype ${dtype}; only F32, F64, F16 and BF16 weights can be imported`);
  return out;
}

/** Every floating-point tensor of a safetensors file, as float32; other dtypes (int buffers such as masks) are skipped. */
export function readSafetensors(buf: Uint8Array): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  if (buf.length < 8) throw invalid('not a safetensors file: shorter than its 8-byte header length');
  const headerLen = Number(new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > buf.length - 8 || headerLen > 100_000_000) throw invalid('not a safetensors file: the header length runs past the end');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch {
    throw invalid('not a safetensors file: the header is not JSON');
  }
  const data = buf.subarray(8 + headerLen);
  const tensors = new Map<string, Tensor>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const e = raw as HeaderEntry;
    if (!e || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets)) throw invalid(`tensor ${name}: header entry lacks shape or data_offsets`);
    const width = BYTES_PER[e.dtype];
    if (width === undefined) continue;
    const count = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (end - begin !== count * width || end > data.length || begin < 0) {
      throw invalid(`tensor ${name}: data_offsets [${begin}, ${end}] do not fit shape [${e.shape.join(', ')}] of ${e.dtype}`);
    }
    tensors.set(name, { shape: e.shape, data: decode(e.dtype, data.subarray(begin, end), count, name) });
  }
  return { tensors, metadata };
}

/** A float32 safetensors file (tensors in name order, header padded to 8 bytes as the reference writer does). */
export function writeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors[name]!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

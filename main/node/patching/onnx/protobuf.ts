/**
 * The protobuf wire format, just what ONNX needs: varints (int32/int64, negatives as 10-byte two's complement),
 * fixed32 floats and length-delimited fields (strings, bytes, nested messages, packed repeated scalars).
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** Builds one message; nested messages are built by their own writer and added with `message`. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt(field * 8 + wire));
  }

  private rawVarint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  /** int32, int64, enum and bool fields. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated int64/int32 field. */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(BigInt(v));
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export class ProtoDecodeError extends Error {}

/** One field read from a message: its number, wire type and value (a varint as bigint, or the raw bytes). */
export interface ProtoField {
  field: number;
  wire: number;
  /** Varints (int64-safe); fixed32/fixed64 values as their raw bytes in `bytes`. */
  varint: bigint;
  bytes: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: { at: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos.at >= buf.length) throw new ProtoDecodeError('truncated varint');
    const byte = buf[pos.at++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    shift += 7n;
  }
  throw new ProtoDecodeError('varint longer than 10 bytes');
}

/** Every field of one message, in order; throws ProtoDecodeError on bytes that are not a protobuf message. */
export function readFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  const pos = { at: 0 };
  const empty = new Uint8Array(0);
  while (pos.at < buf.length) {
    const key = readVarint(buf, pos);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtoDecodeError('field number 0');
    if (wire === WIRE_VARINT) {
      fields.push({ field, wire, varint: readVarint(buf, pos), bytes: empty });
    } else if (wire === WIRE_LEN) {
      const len = Number(readVarint(buf, pos));
      if (pos.at + len > buf.length) throw new ProtoDecodeError(`field ${field} runs past the end`);
      fields.push({ field, wire, varint: 0n, bytes: buf.subarray(pos.at, pos.at + len) });
      pos.at += len;
    } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
      const len = wire === WIRE_FIXED32 ? 4 : 8;
      if (pos.at + len > buf.length) throw new ProtoDecodeError(`field ${field} runs past the end`);
      fields.push({ field, wire, varint: 0n, bytes: buf.subarray(pos.at, pos.at + len) });
      pos.at += len;
    } else {
      throw new ProtoDecodeError(`unsupported wire type ${wire}`);
    }
  }
  return fields;
}

/** A signed int64 field as a number (dims, attribute ints: all far below 2^53). */
export function asInt(f: ProtoField): number {
  return Number(BigInt.asIntN(64, f.varint));
}

export function asString(f: ProtoField): string {
  return new TextDecoder().decode(f.bytes);
}

export function asFloat(f: ProtoField): number {
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true);
}

/** A repeated varint field that may be packed (one LEN field) or not (one VARINT field per value). */
export function repeatedInts(fields: ProtoField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire === WIRE_VARINT) out.push(asInt(f));
    else if (f.wire === WIRE_LEN) {
      const pos = { at: 0 };
      while (pos.at < f.bytes.length) out.push(Number(BigInt.asIntN(64, readVarint(f.bytes, pos))));
    }
  }
  return out;
}

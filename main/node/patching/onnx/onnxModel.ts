import { ProtoWriter, asFloat, asInt, asString, readFields, repeatedInts, type ProtoField } from './protobuf';

/**
 * The subset of ONNX (onnx.proto3) the model parts use: ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto (raw_data float32/int64), ValueInfoProto with fixed or symbolic dims. Field numbers are onnx.proto's.
 */

export type ElemType = 'float32' | 'int64' | 'bool' | 'other';

const DATA_TYPE: Record<Exclude<ElemType, 'other'>, number> = { float32: 1, int64: 7, bool: 9 };

function elemTypeOf(code: number): ElemType {
  if (code === 1) return 'float32';
  if (code === 7) return 'int64';
  if (code === 9) return 'bool';
  return 'other';
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export type OnnxAttribute =
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'tensor'; value: OnnxTensor };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: ElemType;
  /** A number for a fixed dim, a string for a symbolic one ("batch", "pos"). */
  dims: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producer: string;
  graph: OnnxGraph;
}

// ---------- writing ----------

function tensorProto(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter().packedVarints(1, t.dims);
  w.varint(2, t.data instanceof Float32Array ? DATA_TYPE.float32 : DATA_TYPE.int64);
  w.string(8, t.name);
  // raw_data is little-endian; so are all the platforms onnxruntime-node ships for.
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return w;
}

function attributeProto(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  switch (a.kind) {
    case 'float':
      return w.float(2, a.value).varint(20, 1);
    case 'int':
      return w.varint(3, a.value).varint(20, 2);
    case 'string':
      return w.string(4, a.value).varint(20, 3);
    case 'tensor':
      return w.message(5, tensorProto(a.value)).varint(20, 4);
    case 'ints':
      return w.packedVarints(8, a.value).varint(20, 7);
  }
}

function valueInfoProto(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().string(2, d));
  if (v.elemType === 'other') throw new Error(`cannot write value ${v.name} of an unknown element type`);
  const tensorType = new ProtoWriter().varint(1, DATA_TYPE[v.elemType]).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function nodeProto(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes) w.message(5, attributeProto(a));
  return w;
}

export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const g = new ProtoWriter();
  for (const n of m.graph.nodes) g.message(1, nodeProto(n));
  g.string(2, m.graph.name);
  for (const t of m.graph.initializers) g.message(5, tensorProto(t));
  for (const v of m.graph.inputs) g.message(11, valueInfoProto(v));
  for (const v of m.graph.outputs) g.message(12, valueInfoProto(v));
  const model = new ProtoWriter().varint(1, m.irVersion).string(2, m.producer);
  model.message(7, g);
  model.message(8, new ProtoWriter().string(1, '').varint(2, m.opset));
  return model.finish();
}

// ---------- reading ----------

function sub(fields: ProtoField[], field: number): ProtoField[] {
  return fields.filter((f) => f.field === field);
}

function first(fields: ProtoField[], field: number): ProtoField | undefined {
  return fields.find((f) => f.field === field);
}

function decodeTensor(buf: Uint8Array, withData = true): OnnxTensor {
  const f = readFields(buf);
  const dims = repeatedInts(f, 1);
  const type = elemTypeOf(first(f, 2) ? asInt(first(f, 2)!) : 0);
  const name = first(f, 8) ? asString(first(f, 8)!) : '';
  if (!withData) return { name, dims, data: new Float32Array(0) };
  const raw = first(f, 9)?.bytes;
  const count = dims.reduce((a, b) => a * b, 1);
  if (type === 'float32') {
    let data: Float32Array;
    if (raw) data = new Float32Array(raw.slice().buffer);
    else {
      // float_data (field 4), packed fixed32.
      const packed = sub(f, 4).map((x) => x.bytes);
      const bytes = packed.length ? packed[0]! : new Uint8Array(0);
      data = new Float32Array(bytes.slice().buffer);
    }
    if (data.length !== count) throw new Error(`tensor ${name}: ${data.length} values for dims [${dims.join(', ')}]`);
    return { name, dims, data };
  }
  if (type === 'int64') {
    const data = raw ? new BigInt64Array(raw.slice().buffer) : BigInt64Array.from(repeatedInts(f, 7).map(BigInt));
    if (data.length !== count) throw new Error(`tensor ${name}: ${data.length} values for dims [${dims.join(', ')}]`);
    return { name, dims, data };
  }
  // Other element types are kept as shape only (the loader needs no more).
  return { name, dims, data: new Float32Array(0) };
}

function decodeAttribute(buf: Uint8Array): OnnxAttribute {
  const f = readFields(buf);
  const name = first(f, 1) ? asString(first(f, 1)!) : '';
  const type = first(f, 20) ? asInt(first(f, 20)!) : 0;
  if (type === 1) return { name, kind: 'float', value: asFloat(first(f, 2)!) };
  if (type === 2) return { name, kind: 'int', value: first(f, 3) ? asInt(first(f, 3)!) : 0 };
  if (type === 3) return { name, kind: 'string', value: first(f, 4) ? asString(first(f, 4)!) : '' };
  if (type === 4) return { name, kind: 'tensor', value: decodeTensor(first(f, 5)!.bytes) };
  if (type === 7) return { name, kind: 'ints', value: repeatedInts(f, 8) };
  throw new Error(`attribute ${name}: unsupported type ${type}`);
}

function decodeValueInfo(buf: Uint8Array): OnnxValueInfo {
  const f = readFields(buf);
  const name = first(f, 1) ? asString(first(f, 1)!) : '';
  const typeProto = first(f, 2);
  const tensorType = typeProto ? first(readFields(typeProto.bytes), 1) : undefined;
  if (!tensorType) return { name, elemType: 'other', dims: [] };
  const tt = readFields(tensorType.bytes);
  const elemType = elemTypeOf(first(tt, 1) ? asInt(first(tt, 1)!) : 0);
  const shape = first(tt, 2);
  const dims: (number | string)[] = [];
  if (shape) {
    for (const d of sub(readFields(shape.bytes), 1)) {
      const df = readFields(d.bytes);
      const value = first(df, 1);
      const param = first(df, 2);
      dims.push(value ? asInt(value) : param ? asString(param) : '?');
    }
  }
  return { name, elemType, dims };
}

function decodeNode(buf: Uint8Array): OnnxNode {
  const f = readFields(buf);
  const name = first(f, 3);
  return {
    opType: first(f, 4) ? asString(first(f, 4)!) : '',
    inputs: sub(f, 1).map(asString),
    outputs: sub(f, 2).map(asString),
    ...(name ? { name: asString(name) } : {}),
    attributes: sub(f, 5).map((a) => decodeAttribute(a.bytes)),
  };
}

/**
 * Parses an ONNX file's bytes; throws on bytes that are not an ONNX model (the loader turns that into
 * MODEL_BAD_ONNX). `tensorData: false` keeps initializers' names and dims only (enough to validate a large model).
 */
export function decodeOnnxModel(bytes: Uint8Array, opts: { tensorData?: boolean } = {}): OnnxModel {
  const f = readFields(bytes);
  const graphField = first(f, 7);
  if (!graphField || !first(f, 1)) throw new Error('not an ONNX model: no ir_version or graph');
  const g = readFields(graphField.bytes);
  const opsets = sub(f, 8).map((o) => readFields(o.bytes));
  const defaultOpset = opsets.find((o) => !first(o, 1) || asString(first(o, 1)!) === '' || asString(first(o, 1)!) === 'ai.onnx');
  return {
    irVersion: asInt(first(f, 1)!),
    opset: defaultOpset && first(defaultOpset, 2) ? asInt(first(defaultOpset, 2)!) : 0,
    producer: first(f, 2) ? asString(first(f, 2)!) : '',
    graph: {
      name: first(g, 2) ? asString(first(g, 2)!) : '',
      nodes: sub(g, 1).map((n) => decodeNode(n.bytes)),
      initializers: sub(g, 5).map((t) => decodeTensor(t.bytes, opts.tensorData ?? true)),
      inputs: sub(g, 11).map((v) => decodeValueInfo(v.bytes)),
      outputs: sub(g, 12).map((v) => decodeValueInfo(v.bytes)),
    },
  };
}

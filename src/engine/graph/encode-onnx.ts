// Graph -> ONNX ModelProto bytes. Deterministic: the same graph encodes to the same bytes.
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AT,
  type AttributeProto,
  AttributeProtoSchema,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  type TensorProto,
  TensorProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import { ONNX_DTYPE } from '../dtype.js';
import { HostTensor } from '../host-tensor.js';
import { type Attr, FloatAttr, FloatsAttr, type Graph, type ValueInfo } from './graph.js';

/** Default-domain opset; LayerNormalization needs 17, axes-as-input reductions 18. */
export const OPSET = 18;

export interface EncodedModel {
  readonly bytes: Uint8Array;
  readonly inputs: readonly ValueInfo[];
  readonly params: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

export function encodeGraph(g: Graph, name = 'wanjs'): EncodedModel {
  const nodes: NodeProto[] = g.nodes.map((n, i) =>
    create(NodeProtoSchema, {
      name: `n${i}_${n.op}`,
      opType: n.op,
      domain: n.domain,
      input: n.inputs.map((t) => (t ? t.name : '')),
      output: n.outputs.map((t) => t.name),
      attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
    }),
  );
  const outputs: ValueInfo[] = [];
  const extraNodes: NodeProto[] = [];
  for (const o of g.outputs) {
    // An output name is a contract with the caller; alias the producing value when names differ.
    if (o.tensor.name !== o.name) {
      extraNodes.push(
        create(NodeProtoSchema, {
          name: `out_${o.name}`,
          opType: 'Identity',
          input: [o.tensor.name],
          output: [o.name],
        }),
      );
    }
    outputs.push({ name: o.name, dtype: o.tensor.dtype, shape: o.tensor.shape });
  }
  const domains = new Set(g.nodes.map((n) => n.domain).filter((d) => d !== ''));
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'wanjs',
    opsetImport: [
      { domain: '', version: BigInt(OPSET) },
      ...[...domains].sort().map((d) => ({ domain: d, version: 1n })),
    ],
    graph: {
      name,
      node: [...nodes, ...extraNodes],
      initializer: [...g.constants.entries()].map(([k, v]) => tensorProto(k, v)),
      input: [...g.inputs, ...g.params].map(valueInfo),
      output: outputs.map(valueInfo),
    },
  });
  return { bytes: toBinary(ModelProtoSchema, model), inputs: g.inputs, params: g.params, outputs };
}

function valueInfo(v: ValueInfo): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name: v.name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: ONNX_DTYPE[v.dtype],
          shape: { dim: v.shape.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } })) },
        },
      },
    },
  });
}

function tensorProto(name: string, t: HostTensor): TensorProto {
  const d = t.data;
  const raw = new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
  return create(TensorProtoSchema, {
    name,
    dataType: ONNX_DTYPE[t.dtype],
    dims: t.shape.map((x) => BigInt(x)),
    rawData: raw,
  });
}

function attribute(name: string, v: Attr): AttributeProto {
  if (v instanceof FloatAttr) return create(AttributeProtoSchema, { name, type: AT.FLOAT, f: v.value });
  if (v instanceof FloatsAttr) return create(AttributeProtoSchema, { name, type: AT.FLOATS, floats: [...v.value] });
  if (v instanceof HostTensor) return create(AttributeProtoSchema, { name, type: AT.TENSOR, t: tensorProto(name, v) });
  if (typeof v === 'number') return create(AttributeProtoSchema, { name, type: AT.INT, i: BigInt(v) });
  if (typeof v === 'string')
    return create(AttributeProtoSchema, { name, type: AT.STRING, s: new TextEncoder().encode(v) });
  if (v.length > 0 && typeof v[0] === 'string') {
    const enc = new TextEncoder();
    return create(AttributeProtoSchema, { name, type: AT.STRINGS, strings: (v as string[]).map((s) => enc.encode(s)) });
  }
  return create(AttributeProtoSchema, { name, type: AT.INTS, ints: (v as number[]).map((x) => BigInt(x)) });
}

// Copies a graph into another, node by node, with optional rewrites: element
// type promotion (gradient checks in float64), parameter substitution (LoRA's
// W + B·A) and node substitution. Also the basis of per-block sub-graphs.
import type { DType } from '../dtype.js';
import { ONNX_DTYPE } from '../dtype.js';
import { ShapeError } from '../errors.js';
import type { Attr, Graph, Node, ValueInfo } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { HostTensor } from '../host-tensor.js';

export interface ReplayHooks {
  /** Element type in the copy of a value of type `d` (default: unchanged). */
  readonly dtype?: (d: DType) => DType;
  /** Replaces a parameter by a tensor of the destination (undefined: declare it unchanged). */
  readonly param?: (info: ValueInfo, dst: Graph) => Tensor | undefined;
  /** Replaces a graph input (undefined: declare it unchanged). */
  readonly input?: (info: ValueInfo, dst: Graph) => Tensor | undefined;
  /**
   * Replaces a node, given its inputs already mapped into the destination; returns
   * the replacement outputs (same shapes and types) or undefined to copy the node.
   */
  readonly node?: (node: Node, inputs: readonly (Tensor | null)[], dst: Graph) => Tensor[] | undefined;
  /** Copy the source's outputs under the same names (default true). */
  readonly outputs?: boolean;
}

/** Replays `src` into `dst`; returns the map from source value name to destination tensor. */
export function replayGraph(src: Graph, dst: Graph, hooks: ReplayHooks = {}): Map<string, Tensor> {
  const dt = hooks.dtype ?? ((d: DType) => d);
  const map = new Map<string, Tensor>();
  for (const info of src.inputs) {
    map.set(info.name, hooks.input?.(info, dst) ?? dst.input(info.name, dt(info.dtype), info.shape));
  }
  for (const info of src.params) {
    map.set(info.name, hooks.param?.(info, dst) ?? dst.param(info.name, info.shape, dt(info.dtype)));
  }
  for (const [name, value] of src.constants) map.set(name, dst.constant(convertTensor(value, dt), hintOf(name)));
  for (const n of src.nodes) {
    const inputs = n.inputs.map((t) => {
      if (!t) return null;
      const m = map.get(t.name);
      if (!m) throw new ShapeError(`replay: value '${t.name}' used by ${n.op} before it is defined`);
      return m;
    });
    let outs = hooks.node?.(n, inputs, dst);
    if (!outs) {
      const attrs: Record<string, Attr> = {};
      for (const [k, v] of Object.entries(n.attrs)) attrs[k] = convertAttr(n.op, k, v, dt);
      outs = dst.node(
        n.op,
        inputs,
        n.outputs.map((o) => ({ dtype: dt(o.dtype), shape: o.shape })),
        attrs,
        n.domain,
      );
    }
    for (const [i, o] of n.outputs.entries()) map.set(o.name, outs[i]);
  }
  if (hooks.outputs !== false) {
    for (const o of src.outputs) {
      const t = map.get(o.tensor.name);
      if (t) dst.output(o.name, t);
    }
  }
  return map;
}

function hintOf(name: string): string {
  const m = /^(.*)_\d+$/.exec(name);
  return m ? m[1] : name;
}

function convertTensor(t: HostTensor, dt: (d: DType) => DType): HostTensor {
  const to = dt(t.dtype);
  if (to === t.dtype) return t;
  if (t.dtype === 'float32' && to === 'float64') {
    return new HostTensor('float64', t.shape, Float64Array.from(t.data as Float32Array));
  }
  if (t.dtype === 'float64' && to === 'float32') {
    return new HostTensor('float32', t.shape, Float32Array.from(t.data as Float64Array));
  }
  throw new ShapeError(`replay: cannot convert a ${t.dtype} constant to ${to}`);
}

function convertAttr(op: string, key: string, v: Attr, dt: (d: DType) => DType): Attr {
  if (v instanceof HostTensor) return convertTensor(v, dt);
  if (op === 'Cast' && key === 'to' && typeof v === 'number') {
    const from = (Object.keys(ONNX_DTYPE) as DType[]).find((d) => ONNX_DTYPE[d] === v);
    return from ? ONNX_DTYPE[dt(from)] : v;
  }
  return v;
}

/** A float64 copy of a float32 graph (inputs, params, constants and values), for exact gradient checks. */
export function promoteToFloat64(src: Graph, dst: Graph): Map<string, Tensor> {
  return replayGraph(src, dst, { dtype: (d) => (d === 'float32' ? 'float64' : d) });
}

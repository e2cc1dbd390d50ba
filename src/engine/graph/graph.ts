// The graph IR: a list of primitive nodes (one ONNX operator each) over symbolic
// tensors with concrete shapes. Graphs are built per input shape; weights are
// graph inputs ("params"), so one loaded set of weights serves every shape.
import type { DType } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { type HostTensor, shapeText } from '../host-tensor.js';
import { Tensor } from './tensor.js';

export type AttrValue = number | string | readonly number[] | readonly string[] | HostTensor;

/** An attribute that must be encoded as a float (ONNX distinguishes FLOAT from INT). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export class FloatsAttr {
  constructor(readonly value: readonly number[]) {}
}
export type Attr = AttrValue | FloatAttr | FloatsAttr;

export interface Node {
  readonly op: string;
  readonly domain: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, Attr>>;
}

export type ValueKind = 'input' | 'param' | 'const' | 'node';

export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** A graph under construction. Not thread-safe; build one per (model, shape). */
export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly params: ValueInfo[] = [];
  readonly constants = new Map<string, HostTensor>();
  readonly outputs: { name: string; tensor: Tensor }[] = [];
  readonly #names = new Set<string>();
  readonly #paramByName = new Map<string, Tensor>();
  #counter = 0;

  /** A runtime input fed on every run. */
  input(name: string, dtype: DType, shape: readonly number[]): Tensor {
    this.#claim(name);
    validateShape(`input '${name}'`, shape);
    this.inputs.push({ name, dtype, shape });
    return new Tensor(this, name, dtype, shape, 'input');
  }

  /** A weight, fed from the bound checkpoint on every run. Declaring the same name twice returns one tensor. */
  param(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const prev = this.#paramByName.get(name);
    if (prev) {
      if (shapeText(prev.shape) !== shapeText(shape) || prev.dtype !== dtype) {
        throw new ShapeError(
          `param '${name}' declared twice: ${prev.dtype} ${shapeText(prev.shape)} and ${dtype} ${shapeText(shape)}`,
        );
      }
      return prev;
    }
    this.#claim(name);
    validateShape(`param '${name}'`, shape);
    this.params.push({ name, dtype, shape });
    const t = new Tensor(this, name, dtype, shape, 'param');
    this.#paramByName.set(name, t);
    return t;
  }

  /** A constant baked into the graph (small tensors: scalars, shapes, tables). */
  constant(value: HostTensor, hint = 'const'): Tensor {
    const name = this.fresh(hint);
    this.constants.set(name, value);
    return new Tensor(this, name, value.dtype, value.shape, 'const');
  }

  /** Marks a tensor as a graph output (also used for debug taps). */
  output(name: string, t: Tensor): void {
    if (t.graph !== this) throw new ShapeError(`output '${name}': tensor belongs to another graph`);
    if (this.outputs.some((o) => o.name === name)) throw new ShapeError(`output '${name}' declared twice`);
    this.outputs.push({ name, tensor: t });
  }

  /** Emits one primitive node; output shapes are computed by the caller (the op function). */
  node(
    op: string,
    inputs: readonly (Tensor | null)[],
    outputs: readonly { dtype: DType; shape: readonly number[] }[],
    attrs: Readonly<Record<string, Attr>> = {},
    domain = '',
  ): Tensor[] {
    for (const t of inputs) {
      if (t && t.graph !== this) throw new ShapeError(`${op}: input tensor '${t.name}' belongs to another graph`);
    }
    const outs = outputs.map((o) => {
      validateShape(op, o.shape);
      return new Tensor(this, this.fresh(op), o.dtype, o.shape, 'node');
    });
    this.nodes.push({ op, domain, inputs, outputs: outs, attrs });
    return outs;
  }

  /** A unique value name with a readable prefix. */
  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.#counter++}`;
    while (this.#names.has(name));
    this.#names.add(name);
    return name;
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new ShapeError(`graph value name '${name}' is already used`);
    this.#names.add(name);
  }
}

function validateShape(where: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new ShapeError(`${where}: invalid dimension ${d} in ${shapeText(shape)}`);
  }
}

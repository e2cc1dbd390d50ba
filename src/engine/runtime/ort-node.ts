// The only module that imports onnxruntime-node.
import * as ort from 'onnxruntime-node';
import type { DType } from '../dtype.js';
import { CancelledError, DeviceUnavailableError, WanError } from '../errors.js';
import type { EncodedModel } from '../graph/encode-onnx.js';
import { HostTensor } from '../host-tensor.js';
import { DEVICES, type Device, type Runtime, type Session, type SessionOptions } from './runtime.js';

const EP: Readonly<Record<Device, string>> = { cpu: 'cpu', cuda: 'cuda', webgpu: 'webgpu' };

type OrtType = ort.Tensor['type'];
const TO_ORT: Partial<Record<DType, OrtType>> = {
  float32: 'float32',
  float16: 'float16',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};
const FROM_ORT: Readonly<Record<string, DType>> = Object.fromEntries(
  Object.entries(TO_ORT).map(([k, v]) => [v, k as DType]),
);

function toOrt(name: string, t: HostTensor): ort.Tensor {
  const type = TO_ORT[t.dtype];
  if (!type) throw new WanError('E_DTYPE', `input '${name}': dtype ${t.dtype} cannot be fed to ONNX Runtime`);
  // ort.Tensor wraps the typed array without copying it.
  return new ort.Tensor(type, t.data as ort.Tensor['data'], [...t.shape]);
}

function fromOrt(t: ort.Tensor): HostTensor {
  const dtype = FROM_ORT[t.type];
  if (!dtype) throw new WanError('E_DTYPE', `ONNX Runtime returned unsupported type ${t.type}`);
  const data = t.type === 'bool' ? new Uint8Array((t.data as Uint8Array).buffer) : t.data;
  return new HostTensor(dtype, t.dims as number[], data as HostTensor['data']);
}

class OrtNodeSession implements Session {
  readonly device: Device;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  #session: ort.InferenceSession | undefined;

  constructor(device: Device, s: ort.InferenceSession) {
    this.device = device;
    this.#session = s;
    this.inputNames = s.inputNames;
    this.outputNames = s.outputNames;
  }

  async run(
    feeds: Readonly<Record<string, HostTensor>>,
    opts?: { signal?: AbortSignal },
  ): Promise<Record<string, HostTensor>> {
    const s = this.#session;
    if (!s) throw new WanError('E_DISPOSED', 'session was disposed');
    if (opts?.signal?.aborted) throw new CancelledError();
    const missing = this.inputNames.filter((n) => !(n in feeds));
    if (missing.length) {
      throw new WanError(
        'E_FEED',
        `missing graph inputs: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
      );
    }
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const n of this.inputNames) ortFeeds[n] = toOrt(n, feeds[n]);
    const res = await s.run(ortFeeds);
    const out: Record<string, HostTensor> = {};
    for (const n of this.outputNames) out[n] = fromOrt(res[n]);
    return out;
  }

  async dispose(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    await s?.release();
  }
}

/** ONNX Runtime for Node. Create once in the composition root and pass it down. */
export class OrtNodeRuntime implements Runtime {
  readonly name = 'onnxruntime-node';

  supportedDevices(): readonly Device[] {
    const names = new Set(ort.listSupportedBackends().map((b) => b.name));
    return DEVICES.filter((d) => names.has(EP[d]));
  }

  async createSession(model: EncodedModel, opts: SessionOptions): Promise<Session> {
    const device = opts.device;
    if (!DEVICES.includes(device)) {
      throw new DeviceUnavailableError(`unknown device '${device}' (choose one of: ${DEVICES.join(', ')})`);
    }
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: [EP[device]],
      graphOptimizationLevel: 'all',
      ...(opts.lowMemory ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
      ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    };
    try {
      const s = await ort.InferenceSession.create(model.bytes, options);
      return new OrtNodeSession(device, s);
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (device !== 'cpu') {
        const others = DEVICES.filter((d) => d !== device).join(', ');
        throw new DeviceUnavailableError(
          `device '${device}' is not available here (${firstLine(msg)}); choose another device (${others}) — wanjs never falls back silently`,
          { cause: e },
        );
      }
      throw new WanError('E_SESSION', `ONNX Runtime could not load the graph: ${firstLine(msg)}`, { cause: e });
    }
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}

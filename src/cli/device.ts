import { InputError } from '../engine/errors.js';
import { DEVICES, type Device } from '../engine/runtime/runtime.js';

export function parseDevice(v: string | undefined): Device {
  const d = v ?? 'cpu';
  if (!(DEVICES as readonly string[]).includes(d)) {
    throw new InputError(`--device: unknown device '${d}' (choose one of: ${DEVICES.join(', ')})`);
  }
  return d as Device;
}

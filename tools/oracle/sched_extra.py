#!/usr/bin/python3
"""Extra scheduler parity cases for wanjs (a developer tool; CI never runs it).

Runs the OFFICIAL Wan flow-matching schedulers (wan/utils/fm_solvers_unipc.py and
wan/utils/fm_solvers.py, imported in place from a checkout you point it at) with
a stand-in model different from the one in the golden files, and writes
safetensors files in the same layout as the `sched_*` goldens, so that the
TypeScript parity runner can be checked on cases it was not developed against.

Usage (Debian's /usr/bin/python3 with python3-torch and python3-numpy):

  /usr/bin/python3 tools/oracle/sched_extra.py \
      --wan21 <Wan2.1 checkout: the directory that contains wan/> \
      --safetensors-io <path to a safetensors writer module with save_file(tensors, path, metadata)> \
      [--wan21-rev <commit>] [--out test/fixtures/golden-extra]

The writer module is imported from the given path at run time (it must provide
`save_file(dict name -> torch.Tensor, path, metadata dict)`). The official
modules import a few `diffusers` names; when diffusers is not installed a
minimal stand-in for exactly those names is registered first.

Layout of every file: `input.x_init`; `output.sigmas` (float32, steps+1),
`output.timesteps` (int64), `output.model_outputs` [steps, ...] (the model
output fed at each step), `output.samples` [steps+1, ...] (samples[0] = x_init,
samples[i+1] = sample after step i), `output.final`, and for DPM++
`output.sampling_sigmas` (float64). `__metadata__`: case, config (JSON), notes.
"""
import argparse
import enum
import functools
import importlib.util
import inspect
import json
import os
import sys
import types

import torch

MODEL_FN = 'v = sin(x) - 0.3*x*(t/1000)'

# name: (solver, steps, shift, seed, sample shape)
CASES = {
    'sched_unipc_s7_shift2_seed9': ('unipc', 7, 2.0, 9, (2, 3, 1, 4, 5)),
    'sched_dpmpp_s13_shift7_seed10': ('dpm++', 13, 7.0, 10, (1, 5, 2, 2, 3)),
    'sched_unipc_s1_shift1_seed11': ('unipc', 1, 1.0, 11, (1, 4, 1, 2, 3)),
    'sched_dpmpp_s2_shift0p5_seed12': ('dpm++', 2, 0.5, 12, (1, 4, 1, 2, 3)),
    'sched_unipc_s23_shift0p7_seed13': ('unipc', 23, 0.7, 13, (1, 2, 3, 2, 2)),
}


def model_fn(x, t):
    """The stand-in velocity model; t is the int64 scheduler timestep."""
    tt = t.to(x.dtype) / 1000.0
    return torch.sin(x) - 0.3 * x * tt


def _install_diffusers_stand_in():
    """Registers the handful of diffusers names the two official files import."""

    class Config(dict):

        def __getattr__(self, name):
            try:
                return self[name]
            except KeyError as e:
                raise AttributeError(name) from e

    class ConfigMixin:

        def register_to_config(self, **kwargs):
            merged = dict(getattr(self, '_wanjs_config', {}))
            merged.update(kwargs)
            object.__setattr__(self, '_wanjs_config', Config(merged))

        @property
        def config(self):
            return self._wanjs_config

    def register_to_config(init):
        sig = inspect.signature(init)

        @functools.wraps(init)
        def wrapper(self, *args, **kwargs):
            bound = sig.bind(self, *args, **kwargs)
            bound.apply_defaults()
            ConfigMixin.register_to_config(
                self, **{k: v for k, v in bound.arguments.items() if k != 'self'})
            init(self, *args, **kwargs)

        return wrapper

    class SchedulerOutput:

        def __init__(self, prev_sample):
            self.prev_sample = prev_sample

    names = {
        'diffusers': {},
        'diffusers.configuration_utils': {
            'ConfigMixin': ConfigMixin, 'register_to_config': register_to_config},
        'diffusers.schedulers': {},
        'diffusers.schedulers.scheduling_utils': {
            'KarrasDiffusionSchedulers': enum.Enum('KarrasDiffusionSchedulers', []),
            'SchedulerMixin': type('SchedulerMixin', (), {}),
            'SchedulerOutput': SchedulerOutput},
        'diffusers.utils': {
            'deprecate': lambda *a, **k: None,
            'is_scipy_available': lambda: False},
        'diffusers.utils.torch_utils': {
            'randn_tensor': lambda shape, generator=None, device=None, dtype=None, **k:
                torch.randn(shape, generator=generator, device=device, dtype=dtype)},
    }
    for mod_name, attrs in names.items():
        mod = types.ModuleType(mod_name)
        mod.__dict__.update(attrs)
        sys.modules[mod_name] = mod


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_case(U, D, solver, steps, shift, seed, shape):
    x0 = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    extra = {}
    if solver == 'unipc':
        sch = U.FlowUniPCMultistepScheduler(
            num_train_timesteps=1000, shift=1, use_dynamic_shifting=False)
        sch.set_timesteps(steps, device='cpu', shift=shift)
        timesteps = sch.timesteps
    else:
        sch = D.FlowDPMSolverMultistepScheduler(
            num_train_timesteps=1000, shift=1, use_dynamic_shifting=False)
        sampling_sigmas = D.get_sampling_sigmas(steps, shift)
        timesteps, _ = D.retrieve_timesteps(sch, device='cpu', sigmas=sampling_sigmas)
        extra['output.sampling_sigmas'] = torch.from_numpy(
            sampling_sigmas.copy()).to(torch.float64)
    x = x0.clone()
    samples, mouts = [x.clone()], []
    for t in timesteps:
        v = model_fn(x, t)
        mouts.append(v.clone())
        x = sch.step(v, t, x, return_dict=False)[0]
        samples.append(x.clone())
    tensors = {
        'input.x_init': x0,
        'output.sigmas': sch.sigmas.clone(),
        'output.timesteps': timesteps.clone(),
        'output.model_outputs': torch.stack(mouts),
        'output.samples': torch.stack(samples),
        'output.final': x,
    }
    tensors.update(extra)
    return tensors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--wan21', required=True, help='directory that contains wan/')
    ap.add_argument('--safetensors-io', required=True,
                    help='path of a module providing save_file(tensors, path, metadata)')
    ap.add_argument('--wan21-rev', help='commit of the checkout (only recorded)')
    ap.add_argument('--out', default=os.path.join('test', 'fixtures', 'golden-extra'))
    ap.add_argument('--only', nargs='*', help='case names (default: all)')
    args = ap.parse_args()

    try:
        import diffusers  # noqa: F401
    except ImportError:
        _install_diffusers_stand_in()
    utils = os.path.join(os.path.abspath(args.wan21), 'wan', 'utils')
    U = _load(os.path.join(utils, 'fm_solvers_unipc.py'), 'wanjs_official_fm_solvers_unipc')
    D = _load(os.path.join(utils, 'fm_solvers.py'), 'wanjs_official_fm_solvers')
    st = _load(os.path.abspath(args.safetensors_io), 'wanjs_safetensors_io')

    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for name in args.only or list(CASES):
        solver, steps, shift, seed, shape = CASES[name]
        tensors = run_case(U, D, solver, steps, shift, seed, shape)
        fname = 'FlowUniPCMultistepScheduler' if solver == 'unipc' else \
            'FlowDPMSolverMultistepScheduler'
        config = dict(solver=fname, num_train_timesteps=1000, steps=steps,
                      shift=shift, solver_order=2, seed=seed, model_fn=MODEL_FN)
        notes = (f'{fname} used as the official pipelines do, driven by the '
                 f'stand-in model {MODEL_FN} from x_init = randn{list(shape)} '
                 f'(seed {seed}). Loop: for each t in output.timesteps: '
                 'v = model_fn(x, t); x = step(v, t, x). output.samples[0] = '
                 'x_init, output.samples[i+1] = sample after step i; '
                 'output.model_outputs[i] = v at step i. output.sigmas has '
                 'steps+1 entries (last = 0).')
        meta = {'case': name, 'config': json.dumps(config), 'notes': notes,
                'generator': 'tools/oracle/sched_extra.py (official Wan code, '
                             f'float32, CPU, torch {torch.__version__})'}
        if args.wan21_rev:
            meta['source.Wan-Video/Wan2.1'] = args.wan21_rev
        path = os.path.join(args.out, name + '.safetensors')
        st.save_file(tensors, path, meta)
        print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    main()

"""Writes README.md of the extra golden folder from its index.json."""
import json
import os

HEAD = """# Extra golden tensors from the official Wan code

Each `*.safetensors` file here except the `sched_*` ones (see "Scheduler
cases" below) was written by `tools/oracle/make_extra.py` from the case
definitions in `tools/oracle/cases_extra.py`. They run the **official** Wan 2.1 / 2.2 modules
on CPU in float32 at tiny random configurations, exactly like the shipped
golden set, but with different seeds, shapes and configs (uneven RoPE splits,
other head counts, batched DiT calls, non-square inputs, the DPM++ solver).
Do not edit by hand: re-run the script.

Sources: {sources}. PyTorch {torch}.

## Regenerating

Needs the reference oracle folder (the one holding the `oracle` package and
`make_golden.py`), extracted checkouts of Wan-Video/Wan2.1 and
Wan-Video/Wan2.2 (directories containing `wan/`) and a Python with PyTorch
1.13 + NumPy (Debian: `apt-get install python3-torch python3-numpy` and the
system `python3`, not a venv one):

```sh
python3 tools/oracle/make_extra.py --harness <oracle dir> \\
    --wan21 <dir> --wan22 <dir> --out test/fixtures/golden-extra \\
    [--wan21-rev <commit>] [--wan22-rev <commit>] [--only CASE ...] \\
    [--no-probe]
```

`--only` regenerates some cases (the others keep their `index.json` entries);
`--no-probe` skips the float64 / 2-thread tolerance probe. Outputs are
deterministic: the same command reproduces the files bit for bit on the same
PyTorch build.

## Conventions

Same as the shipped golden set:

* Plain safetensors; `__metadata__` holds `case`, `config` (JSON string),
  `notes`, `generator`, `variant` (`extra`) and `source.<repo>` commits.
* Parameters use the official checkpoint key names (prefixed `dit.`, `vae.`,
  `high_noise_model.`, `low_noise_model.`, `visual.` where the file holds
  several models or the official checkpoint does). `input.*` inputs,
  `output.*` outputs, `inter.*` forward-hook intermediates (first call),
  `trace.*` per-step values of the end-to-end loops. `index.json` lists every
  tensor with dtype, shape and group.
* All parameters are float32 except tensors with more than 1,000,000
  elements (only `img_emb.proj.1.weight`, 1280x1280, in `dit_i2v_wan21_b`):
  rounded to float16 before the run and stored as F16 (exact upcast).
* Weights are deterministic random draws (norm weights 1+0.1N, biases 0.05N,
  modulation N/sqrt(dim), Linear/Conv N/sqrt(fan_in), embeddings N).
* Attention is exact float32 softmax(QK^T/sqrt(d))V with the official key
  masking instead of flash-attention; everything else is the official code.
* **Batched DiT files** (`*_batch2`): per-sample tensors carry the sample
  index as a suffix: `input.x{{b}}`, `input.context{{b}}`, `output.out{{b}}` (=
  element b of the list `forward` returns, `[out_dim, F_b, H_b, W_b]`);
  `input.t` is shared (`[2]` for Wan2.1, `[2, seq_len]` per token for
  Wan2.2), `input.seq_len` is `[1]`; `config` has `batch: 2`, `grids`,
  `tokens`, `context_lens`. `inter.*` tensors are batched, except
  `inter.patch_embedding{{b}}` (the patch embedding runs once per sample).

## Scheduler cases (`sched_*`)

Files named `sched_*` are not made by `make_extra.py` and are not in
`index.json`: `tools/oracle/sched_extra.py` writes them (see its docstring)
from the official Wan2.1 schedulers (`wan/utils/fm_solvers_unipc.py`,
`wan/utils/fm_solvers.py`) with a stand-in model that differs from the golden
files' (`v = sin(x) - 0.3*x*(t/1000)`) and other step counts, shifts, seeds
and sample shapes, in the same tensor layout and `__metadata__` as the golden
`sched_*` files; `test/schedulers/parity.test.ts` replays them.

## Tolerances

For every output the probe ran a float64 copy of the same case (official
`.float()` casts made no-ops for float64, dtype asserts off) and a 2-thread
float32 run. "vs fp64" below is max |golden - float64| over all outputs of
the file (and that value over max |float64| of the same output); in the
DPM++ case the float64 run is not pure float64 because the official
FlowDPMSolver step computes in float32. **atol 1e-4 / rtol 1e-4** is a safe
default for every file (VAE / end-to-end videos: atol 1e-4 on values in
[-1, 1]).

## Files

{count} files, {mb:.2f} MB in total.

| file | MB | config | max abs vs fp64 |
|---|---|---|---|
"""


def _shape(s):
    return '[' + ', '.join(str(x) for x in s) + ']'


def _worst(tol):
    if not tol:
        return 'not measured'
    if 'error' in tol:
        return 'probe failed'
    worst, rel = 0.0, 0.0
    for s in tol.values():
        a = s.get('vs_fp64')
        if a and a['max_abs'] >= worst:
            worst, rel = a['max_abs'], a['max_rel_to_peak']
    return f'{worst:.2g} (rel {rel:.1g})'


def write_readme(out_dir, index, names, revs, torch_version):
    """names: the cases of cases_extra.py, in their order."""
    mine = [n for n in names if n in index]
    src = ', '.join(f'{k}@{v[:12]}' if v else k for k, v in revs.items())
    total = sum(index[n]['bytes'] for n in mine)
    parts = [HEAD.format(sources=src, torch=torch_version, count=len(mine),
                         mb=total / 1e6)]
    for n in mine:
        e = index[n]
        parts.append(f'| [{e["file"]}](#{n}) | {e["bytes"] / 1e6:.2f} | '
                     f'{e.get("summary", "")} | '
                     f'{_worst(e.get("tolerance"))} |\n')
    for n in mine:
        e = index[n]
        parts.append(f'\n### {n}\n\n{e["notes"]}\n\n')
        parts.append('Config: `' + json.dumps(e['config'], sort_keys=True) +
                     '`\n\n')
        items = []
        n_params = 0
        for k in sorted(e['tensors']):
            t = e['tensors'][k]
            if t['group'] == 'param':
                n_params += 1
                continue
            items.append(f'`{k}` {_shape(t["shape"])}'
                         + ('' if t['dtype'] == 'float32' else
                            f' {t["dtype"]}'))
        parts.append('Tensors (float32 unless noted): ' + ', '.join(items) +
                     f'; plus {n_params} parameters.\n')
    with open(os.path.join(out_dir, 'README.md'), 'w') as f:
        f.write(''.join(parts))

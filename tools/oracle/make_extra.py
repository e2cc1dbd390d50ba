#!/usr/bin/env python3
"""Write the extra golden cases of cases_extra.py with the reference oracle.

Dev tool (not run in CI). Needs the reference oracle folder (the one that
holds the `oracle` package and make_golden.py; it is imported from there at
run time, never copied) and extracted checkouts of the official
Wan-Video/Wan2.1 and Wan-Video/Wan2.2 repositories (directories that contain
`wan/`). Run it with a Python that has PyTorch 1.13 + NumPy (Debian's system
python3 with the python3-torch package):

  python3 tools/oracle/make_extra.py --harness <oracle dir> \\
      --wan21 <Wan2.1 checkout> --wan22 <Wan2.2 checkout> \\
      [--wan21-rev <commit>] [--wan22-rev <commit>] \\
      [--out test/fixtures/golden-extra] [--only CASE ...] [--no-probe]

For each case it writes <out>/<case>.safetensors (metadata `case`, `config`
JSON, `notes`, `generator`, `source.<repo>` commits), re-reads it, records
names/dtypes/shapes and the tolerance probe in <out>/index.json (merged with
the entries already there, so files from other generators keep theirs) and
rewrites <out>/README.md.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

# keep the repository free of __pycache__ folders next to the case files
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(
    os.path.join(HERE, '..', '..', 'test', 'fixtures', 'golden-extra'))


def _import_harness(harness):
    """Put the oracle folder on sys.path and import what the runner uses."""
    harness = os.path.abspath(harness)
    if not os.path.isfile(os.path.join(harness, 'oracle', 'cases.py')):
        sys.exit(f'--harness {harness}: no oracle/cases.py there')
    sys.path.insert(0, harness)
    sys.path.insert(0, HERE)
    # the harness script only defines functions at import time
    import make_golden
    return make_golden


def _load_sources(args):
    from oracle.shims import load_wan
    src = type('Src', (), {})()
    src.w21 = load_wan(os.path.abspath(args.wan21), 'wan21')
    src.w22 = load_wan(os.path.abspath(args.wan22), 'wan22')
    return src


def _git_rev(path):
    try:
        return subprocess.run(['git', '-C', path, 'rev-parse', 'HEAD'],
                              capture_output=True, text=True,
                              check=True).stdout.strip()
    except Exception:
        return None


def run_probe(args):
    """Child process (started with -O so that the official float32 dtype
    asserts do not fire on the float64 copy): float64 run with 1 thread and
    float32 run with 2 threads of one case."""
    import torch
    from cases_extra import CASES
    from oracle import safetensors_io as st
    src = _load_sources(args)
    fn = CASES[args.probe]
    out = {}
    torch.set_num_threads(1)
    for k, v in fn(src, 'fp64')['outputs'].items():
        out['fp64/' + k] = v.detach().contiguous()
    torch.set_num_threads(2)
    for k, v in fn(src, 'fp32')['outputs'].items():
        out['fp32t2/' + k] = v.detach().contiguous()
    st.save_file(out, args.probe_out)


def probe_stats(args, name, outputs):
    import torch
    from oracle import safetensors_io as st
    from oracle.common import diff_stats
    with tempfile.TemporaryDirectory() as td:
        tmp = os.path.join(td, 'probe.safetensors')
        cmd = [sys.executable, '-O', os.path.abspath(__file__), '--harness',
               args.harness, '--wan21', args.wan21, '--wan22', args.wan22,
               '--probe', name, '--probe-out', tmp]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            return {'error': p.stderr[-2000:]}
        probe, _ = st.load_file(tmp)
    stats = {}
    for k, v in outputs.items():
        if not v.is_floating_point():
            a64 = probe.get('fp64/' + k)
            same = a64 is not None and torch.equal(a64.to(v.dtype), v)
            stats[k] = {'exact_match_fp64_run': bool(same)}
            continue
        s = {}
        if 'fp64/' + k in probe:
            s['vs_fp64'] = diff_stats(v, probe['fp64/' + k])
        if 'fp32t2/' + k in probe:
            s['vs_fp32_2threads'] = diff_stats(v, probe['fp32t2/' + k])
        stats[k] = s
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--harness', default=os.environ.get('WAN_ORACLE_DIR'),
                    help='reference oracle folder (holds oracle/ and '
                    'make_golden.py); default $WAN_ORACLE_DIR')
    ap.add_argument('--wan21', default=os.environ.get('WAN21_SRC'))
    ap.add_argument('--wan22', default=os.environ.get('WAN22_SRC'))
    ap.add_argument('--wan21-rev', help='commit of the Wan2.1 checkout')
    ap.add_argument('--wan22-rev', help='commit of the Wan2.2 checkout')
    ap.add_argument('--out', default=DEFAULT_OUT)
    ap.add_argument('--only', nargs='*')
    ap.add_argument('--no-probe', action='store_true')
    ap.add_argument('--probe', help=argparse.SUPPRESS)
    ap.add_argument('--probe-out', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.harness or not args.wan21 or not args.wan22:
        ap.error('--harness, --wan21 and --wan22 are required')
    mg = _import_harness(args.harness)
    if args.probe:
        return run_probe(args)

    import torch
    from cases_extra import CASES
    from oracle import safetensors_io as st
    from readme_extra import write_readme

    names = args.only or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        ap.error(f'unknown case(s) {unknown}; known: {list(CASES)}')
    src = _load_sources(args)
    revs = {'Wan-Video/Wan2.1': args.wan21_rev or _git_rev(args.wan21),
            'Wan-Video/Wan2.2': args.wan22_rev or _git_rev(args.wan22)}
    for repo, rev in revs.items():
        if not rev:
            print(f'warning: no commit known for {repo} (pass --wan2x-rev); '
                  'it is left out of the metadata', file=sys.stderr)
    os.makedirs(args.out, exist_ok=True)
    index_json = os.path.join(args.out, 'index.json')
    index = {}
    if os.path.exists(index_json):
        with open(index_json) as f:
            index = json.load(f)
    generator = ('tools/oracle/make_extra.py (official Wan code, float32, '
                 'CPU, torch %s)' % torch.__version__)
    torch.set_num_threads(1)
    for name in names:
        t0 = time.time()
        res = CASES[name](src, 'fp32')
        tensors = mg._all_tensors(res)
        meta = {
            'case': name,
            'config': json.dumps(res['config']),
            'notes': res['notes'],
            'generator': generator,
            'variant': 'extra',
        }
        for repo, rev in revs.items():
            if rev:
                meta['source.' + repo] = rev
        path = os.path.join(args.out, name + '.safetensors')
        st.save_file(tensors, path, meta)
        mg._check_roundtrip(path, tensors)
        entry = {
            'file': name + '.safetensors',
            'bytes': os.path.getsize(path),
            'generator': 'tools/oracle/make_extra.py',
            'config': res['config'],
            'notes': res['notes'],
            'tensors': {
                k: {'dtype': str(v.dtype).replace('torch.', ''),
                    'shape': list(v.shape),
                    'group': ('param' if k in res.get('params', {}) else
                              k.split('.', 1)[0])}
                for k, v in tensors.items()
            },
        }
        if 'summary' in res:
            entry['summary'] = res['summary']
        if not args.no_probe:
            entry['tolerance'] = probe_stats(args, name, res['outputs'])
        index[name] = entry
        print(f'{name}: {entry["bytes"] / 1e6:.2f} MB, '
              f'{time.time() - t0:.1f} s', flush=True)
    # one compact line per case keeps the file small and diffs per case
    with open(index_json, 'w') as f:
        f.write('{\n' + ',\n'.join(
            json.dumps(k) + ': ' + json.dumps(
                index[k], sort_keys=True, separators=(',', ':'))
            for k in sorted(index)) + '\n}\n')
    write_readme(args.out, index, list(CASES), revs, torch.__version__)


if __name__ == '__main__':
    main()

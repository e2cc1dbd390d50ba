"""Extra golden cases: the same official code paths as the harness's
oracle/cases.py, at other seeds, shapes and configs, plus batched DiT calls.

Dev tool, not run in CI. Imported by make_extra.py after the harness folder
(the one that holds the `oracle` package) has been put on sys.path; it reuses
the harness helpers and only defines new cases. Every case has the signature
and return dict of oracle/cases.py:

  (src, mode) -> {params, inputs, outputs, inter, config, notes, summary}

(`summary`: the one-line config description used in the README table).

with src.w21 / src.w22 the loaded official packages and mode 'fp32' (the
golden run) or 'fp64' (tolerance probe).
"""
import os

import torch

from oracle.cases import (CLIP_CFG, T5_CFG, VAE21_CFG, VAE22_CFG,
                          _build_dit, _ctx, _dit_hooks, _fp, _gen, _jsonable,
                          _prep, _randn, _rope_table, _run_dit, _uniform,
                          _unipc, _vae_common, _vae_scale, i2v_mask,
                          ti2v_masks, ti2v_timestep)
from oracle.common import Hooks, ast_constants, randomize_, state_dict_for_file

# Per-sample tensor naming used by the batched DiT cases (mirrors the
# `output.context{b}` convention of the shipped UMT5 case).
BATCH_NOTE = (
    'Batch convention: per-sample tensors carry the sample index b as a '
    'suffix: input.x{b} [in_dim, F_b, H_b, W_b], input.context{b} '
    '[L_b, text_dim], output.out{b} [out_dim, F_b, H_b, W_b] (= element b of '
    'the list returned by forward); input.t is shared ([B] or [B, seq_len]); '
    'input.seq_len [1] is the padded token count for the whole batch; '
    'config.grids lists the latent grids [F_b, H_b, W_b]. inter.* tensors '
    'are batched ([B, seq_len, dim], ...) except inter.patch_embedding{b} '
    '[1, dim, F_b, H_b/2, W_b/2] (the patch embedding runs per sample).')


def _tokens(grid, patch=(1, 2, 2)):
    f, h, w = grid
    return (f // patch[0]) * (h // patch[1]) * (w // patch[2])


def _dit_result(model, cfg, hooks, inputs, outputs, config_extra, notes,
                summary):
    res = dict(
        params=state_dict_for_file(model),
        inputs=inputs,
        outputs=outputs,
        config=dict(_jsonable(cfg), **config_extra),
        notes=notes,
        summary=summary)
    if hooks:
        hooks.remove()
        res['inter'] = dict(hooks.store, **_rope_table(model))
    return res


def _batch_case(model, mode, xs, t, ctxs, seq_len):
    """Runs forward on a list of samples and names the per-sample tensors
    after BATCH_NOTE. Returns (inputs, outputs, hooks); the patch embedding
    runs once per sample, so its hook output is kept per sample too."""
    m = _prep(model, mode)
    hooks = None
    if mode == 'fp32':
        hooks = _dit_hooks(m)
        hooks.add(m.patch_embedding, 'inter.patch_embedding_per_sample',
                  every_call=True)
    dt = _fp(mode)
    with torch.no_grad(), _ctx(mode):
        outs = m([u.to(dt) for u in xs], t=t,
                 context=[u.to(dt) for u in ctxs], seq_len=seq_len)
    inputs = {'input.t': t, 'input.seq_len': torch.tensor([seq_len])}
    outputs = {}
    for b in range(len(xs)):
        inputs[f'input.x{b}'] = xs[b]
        inputs[f'input.context{b}'] = ctxs[b]
        outputs[f'output.out{b}'] = outs[b]
    if hooks:
        del hooks.store['inter.patch_embedding']
        per_sample = hooks.store.pop('inter.patch_embedding_per_sample')
        for b, v in enumerate(per_sample):
            hooks.store[f'inter.patch_embedding{b}'] = v
    return inputs, outputs, hooks


# ----------------------------------------------------------------------------
# DiT, single sample
# ----------------------------------------------------------------------------
def dit_t2v_wan21_h3(src, mode):
    M = src.w21.import_module('modules.model')
    # head_dim 20: RoPE halves split (t, h, w) = (4, 3, 3) complex
    # = (8, 6, 6) real dims, i.e. uneven and odd per-axis counts.
    model, cfg = _build_dit(M, 2100, model_type='t2v', text_len=24,
                            in_dim=16, out_dim=16, dim=60, ffn_dim=112,
                            num_heads=3, num_layers=3)
    grid = (5, 6, 4)
    seq_len = _tokens(grid)
    x = _randn((16, ) + grid, 2101)
    ctx = _randn((11, cfg['text_dim']), 2102)
    t = torch.tensor([512], dtype=torch.long)
    m = _prep(model, mode)
    hooks = _dit_hooks(m) if mode == 'fp32' else None
    out = _run_dit(m, mode, [x], t, [ctx], seq_len)
    return _dit_result(
        model, cfg, hooks,
        {'input.x': x, 'input.t': t, 'input.context': ctx,
         'input.seq_len': torch.tensor([seq_len])},
        {'output.out': out},
        dict(seq_len=seq_len, head_dim=20, rope_dims_thw=[8, 6, 6]),
        ('Wan2.1 WanModel model_type=t2v with 3 heads of head_dim 20: the '
         'RoPE table is cat(rope_params(1024, 8), rope_params(1024, 6), '
         'rope_params(1024, 6)) (complex widths 4/3/3). forward(x=[input.x], '
         't=input.t, context=[input.context], seq_len) -> output.out '
         '[out_dim, F, H, W]; latent grid (5, 6, 4) -> token grid (5, 3, 2); '
         'the 11-token context is zero-padded to text_len=24 inside forward.'),
        ('Wan2.1 t2v DiT, dim 60, 3 heads x 20 (RoPE 8/6/6), 3 layers, ffn '
         '112, latent (5, 6, 4) -> 30 tokens, context 11 -> text_len 24, '
         't=512'))


def dit_t2v_wan22_h5(src, mode):
    M = src.w22.import_module('modules.model')
    # head_dim 16: RoPE halves split (t, h, w) = (4, 2, 2) complex.
    model, cfg = _build_dit(M, 2200, model_type='t2v', text_len=16,
                            in_dim=16, out_dim=16, dim=80, ffn_dim=96,
                            num_heads=5, num_layers=2)
    grid = (2, 8, 10)
    seq_len = _tokens(grid)
    x = _randn((16, ) + grid, 2201)
    ctx = _randn((9, cfg['text_dim']), 2202)
    t = torch.tensor([3], dtype=torch.long)
    m = _prep(model, mode)
    hooks = _dit_hooks(m) if mode == 'fp32' else None
    out = _run_dit(m, mode, [x], t, [ctx], seq_len)
    return _dit_result(
        model, cfg, hooks,
        {'input.x': x, 'input.t': t, 'input.context': ctx,
         'input.seq_len': torch.tensor([seq_len])},
        {'output.out': out},
        dict(seq_len=seq_len, head_dim=16, rope_dims_thw=[8, 4, 4]),
        ('Wan2.2 WanModel model_type=t2v with 5 heads of head_dim 16 at a '
         'very small timestep (3): the scalar timestep [1] is expanded to '
         '[1, seq_len] inside forward. Latent grid (2, 8, 10) -> token grid '
         '(2, 4, 5); 9-token context zero-padded to text_len=16.'),
        ('Wan2.2 t2v DiT, dim 80, 5 heads x 16 (RoPE 8/4/4), 2 layers, ffn '
         '96, latent (2, 8, 10) -> 40 tokens, context 9 -> text_len 16, t=3'))


def dit_i2v_wan21_b(src, mode):
    M = src.w21.import_module('modules.model')
    # text_len must stay 512 (WanI2VCrossAttention splits the context at
    # len - 512). dim 48 and 1 layer keep the file as small as possible next
    # to the fixed 1280x1280 img_emb.proj.1 weight (3.3 MB as F16).
    model, cfg = _build_dit(M, 2300, model_type='i2v', text_len=512,
                            in_dim=36, out_dim=16, dim=48, ffn_dim=64,
                            num_heads=2, num_layers=1)
    grid = (3, 6, 4)
    seq_len = _tokens(grid)
    frame_num = 4 * (grid[0] - 1) + 1
    x = _randn((16, ) + grid, 2301)
    img_lat = _randn((16, ) + grid, 2302)
    msk = i2v_mask(frame_num, grid[1], grid[2])
    y = torch.concat([msk, img_lat])
    clip_fea = _randn((1, 5, 1280), 2303)
    ctx = _randn((6, cfg['text_dim']), 2304)
    t = torch.tensor([250], dtype=torch.long)
    m = _prep(model, mode)
    hooks = _dit_hooks(m) if mode == 'fp32' else None
    out = _run_dit(m, mode, [x], t, [ctx], seq_len, clip_fea=clip_fea,
                   y=[y])
    return _dit_result(
        model, cfg, hooks,
        {'input.x': x, 'input.y': y, 'input.mask': msk,
         'input.image_latent': img_lat, 'input.clip_fea': clip_fea,
         'input.t': t, 'input.context': ctx,
         'input.seq_len': torch.tensor([seq_len])},
        {'output.out': out},
        dict(seq_len=seq_len, frame_num=frame_num, head_dim=24,
             clip_tokens=5),
        ('Wan2.1 WanModel model_type=i2v, 2 heads of head_dim 24, 5 CLIP '
         'tokens (the image context is the first 5 of 5 + 512 tokens). '
         'input.y = cat(input.mask, input.image_latent) built like '
         'WanI2V.generate. img_emb.proj.1.weight (1280x1280) is stored as '
         'F16 and was rounded to F16 before the run (exact upcast).'),
        ('Wan2.1 i2v DiT, dim 48, 2 heads x 24, 1 layer, ffn 64, 5 CLIP '
         'tokens, latent (3, 6, 4) -> 18 tokens, context 6 -> text_len 512, '
         't=250'))


def dit_i2v_wan22_b(src, mode):
    M = src.w22.import_module('modules.model')
    model, cfg = _build_dit(M, 2400, model_type='i2v', text_len=20,
                            in_dim=36, out_dim=16, dim=48, ffn_dim=96,
                            num_heads=2, num_layers=2)
    grid = (4, 4, 8)
    seq_len = _tokens(grid)
    frame_num = 4 * (grid[0] - 1) + 1
    x = _randn((16, ) + grid, 2401)
    img_lat = _randn((16, ) + grid, 2402)
    msk = i2v_mask(frame_num, grid[1], grid[2])
    y = torch.concat([msk, img_lat])
    ctx = _randn((13, cfg['text_dim']), 2403)
    t = torch.tensor([875], dtype=torch.long)
    m = _prep(model, mode)
    hooks = _dit_hooks(m) if mode == 'fp32' else None
    out = _run_dit(m, mode, [x], t, [ctx], seq_len, y=[y])
    return _dit_result(
        model, cfg, hooks,
        {'input.x': x, 'input.y': y, 'input.mask': msk,
         'input.image_latent': img_lat, 'input.t': t,
         'input.context': ctx, 'input.seq_len': torch.tensor([seq_len])},
        {'output.out': out},
        dict(seq_len=seq_len, frame_num=frame_num, head_dim=24),
        ('Wan2.2 WanModel model_type=i2v (I2V-A14B expert layout, no CLIP '
         'branch), head_dim 24, latent grid (4, 4, 8) -> 32 tokens, 13-token '
         'context padded to text_len=20; y = cat(mask, image latent) as in '
         'Wan2.2 WanI2V.generate.'),
        ('Wan2.2 i2v DiT, dim 48, 2 heads x 24, 2 layers, ffn 96, latent (4, '
         '4, 8) -> 32 tokens, context 13 -> text_len 20, t=875'))


def dit_ti2v_wan22_b(src, mode):
    M = src.w22.import_module('modules.model')
    model, cfg = _build_dit(M, 2500, model_type='ti2v', text_len=24,
                            in_dim=48, out_dim=48, dim=48, ffn_dim=80,
                            num_heads=3, num_layers=2)
    grid = (3, 6, 8)
    seq_len = _tokens(grid)
    noise = _randn((48, ) + grid, 2501)
    z = _randn((48, 1) + grid[1:], 2502)
    mask2 = ti2v_masks(noise)
    latent = (1. - mask2) * z + mask2 * noise
    t = torch.tensor(731, dtype=torch.long)
    ts = ti2v_timestep(mask2, t, seq_len)
    ctx = _randn((10, cfg['text_dim']), 2503)
    m = _prep(model, mode)
    hooks = _dit_hooks(m) if mode == 'fp32' else None
    out = _run_dit(m, mode, [latent], ts, [ctx], seq_len)
    return _dit_result(
        model, cfg, hooks,
        {'input.x': latent, 'input.noise': noise,
         'input.image_latent': z, 'input.mask2': mask2,
         'input.t_scalar': t.view(1), 'input.t': ts,
         'input.context': ctx, 'input.seq_len': torch.tensor([seq_len])},
        {'output.out': out},
        dict(seq_len=seq_len, head_dim=16),
        ('Wan2.2 WanModel model_type=ti2v (in/out 48), 3 heads of head_dim '
         '16, latent grid (3, 6, 8) -> 36 tokens. image-to-video step: '
         'input.x = (1-mask2)*image_latent + mask2*noise, per-token timestep '
         'input.t [1, seq_len] = 0 on the 12 first-latent-frame tokens and '
         '731 elsewhere (float32), built exactly like WanTI2V.i2v.'),
        ('Wan2.2 ti2v DiT (in/out 48), dim 48, 3 heads x 16, 2 layers, ffn '
         '80, latent (3, 6, 8) -> 36 tokens, per-token t 0/731, context 10 -> '
         'text_len 24'))


# ----------------------------------------------------------------------------
# DiT, batch of 2 (the official forward takes lists)
# ----------------------------------------------------------------------------
def dit_t2v_wan21_batch2(src, mode):
    M = src.w21.import_module('modules.model')
    model, cfg = _build_dit(M, 2600, model_type='t2v', text_len=16,
                            in_dim=16, out_dim=16, dim=48, ffn_dim=96,
                            num_heads=2, num_layers=2)
    grids = [(3, 4, 6), (2, 6, 4)]
    seq_len = max(_tokens(g) for g in grids)
    xs = [_randn((16, ) + g, 2601 + b) for b, g in enumerate(grids)]
    ctxs = [_randn((n, cfg['text_dim']), 2611 + b)
            for b, n in enumerate((5, 13))]
    t = torch.tensor([937, 500], dtype=torch.long)
    inputs, outputs, hooks = _batch_case(model, mode, xs, t, ctxs, seq_len)
    return _dit_result(
        model, cfg, hooks, inputs, outputs,
        dict(seq_len=seq_len, batch=2, grids=[list(g) for g in grids],
             tokens=[_tokens(g) for g in grids], context_lens=[5, 13]),
        ('Wan2.1 WanModel model_type=t2v called with a batch of 2: '
         'forward(x=[input.x0, input.x1], t=input.t (int64 [2], one '
         'timestep per sample), context=[input.context0, input.context1], '
         'seq_len=18). Sample 0 has 18 tokens, sample 1 has 12 and is '
         'zero-padded to 18 (its padded keys are masked via seq_lens); each '
         'context is zero-padded to text_len=16 with no key mask. '
         + BATCH_NOTE),
        ('Wan2.1 t2v DiT batch 2, dim 48, 2 heads x 24, 2 layers, ffn 96, '
         'latents (3, 4, 6) + (2, 6, 4) -> 18 + 12 tokens, seq_len 18, '
         't=[937, 500], contexts 5 / 13 -> text_len 16'))


def dit_t2v_wan22_batch2(src, mode):
    M = src.w22.import_module('modules.model')
    model, cfg = _build_dit(M, 2700, model_type='t2v', text_len=16,
                            in_dim=16, out_dim=16, dim=64, ffn_dim=96,
                            num_heads=4, num_layers=2)
    grids = [(2, 6, 6), (4, 2, 4)]
    tokens = [_tokens(g) for g in grids]
    # sequence-parallel style padding: seq_len above the longest sample
    seq_len = 20
    xs = [_randn((16, ) + g, 2701 + b) for b, g in enumerate(grids)]
    ctxs = [_randn((n, cfg['text_dim']), 2711 + b)
            for b, n in enumerate((11, 4))]
    t_vals = (999, 250)
    t = torch.stack([torch.full((seq_len, ), v, dtype=torch.long)
                     for v in t_vals])
    inputs, outputs, hooks = _batch_case(model, mode, xs, t, ctxs, seq_len)
    return _dit_result(
        model, cfg, hooks, inputs, outputs,
        dict(seq_len=seq_len, batch=2, grids=[list(g) for g in grids],
             tokens=tokens, context_lens=[11, 4], t_values=list(t_vals)),
        ('Wan2.2 WanModel model_type=t2v called with a batch of 2 and a '
         'per-token timestep: input.t is int64 [2, seq_len], row b filled '
         'with one value (999, 250) over all seq_len=20 positions, '
         'including the padding (a 1-D [2] timestep cannot be used: Wan2.2 '
         'expands 1-D t to [B, seq_len] and that only works for B=1). '
         'Sample 0 has 18 tokens, sample 1 has 8; both are zero-padded to '
         'seq_len=20. ' + BATCH_NOTE),
        ('Wan2.2 t2v DiT batch 2, dim 64, 4 heads x 16, 2 layers, ffn 96, '
         'latents (2, 6, 6) + (4, 2, 4) -> 18 + 8 tokens, seq_len 20, '
         'per-token t rows 999 / 250 ([2, 20]), contexts 11 / 4 -> text_len '
         '16'))


# ----------------------------------------------------------------------------
# VAEs
# ----------------------------------------------------------------------------
VAE21_B_CFG = dict(VAE21_CFG, dim=4)
VAE22_B_CFG = dict(VAE22_CFG, dim=3, dec_dim=4)


def vae21_b(src, mode):
    V = src.w21.import_module('modules.vae')
    path = os.path.join(src.w21.src_root, 'wan', 'modules', 'vae.py')
    mean, std, scale = _vae_scale(path, 'WanVAE', _fp(mode))
    T, H, W = 13, 16, 40
    video = _uniform((1, 3, T, H, W), 2801)
    image = _uniform((1, 3, 1, H, W), 2802)
    i2v_cond = torch.concat([image, torch.zeros(1, 3, T - 1, H, W)], dim=2)
    z_rand = _randn((1, 16, 3, H // 8, W // 8), 2803)
    model, outputs, inter = _vae_common(V, VAE21_B_CFG, 2800, scale, mode,
                                        video, image, z_rand, i2v_cond)
    res = dict(
        params=state_dict_for_file(model),
        inputs={'input.video': video, 'input.image': image,
                'input.i2v_cond_video': i2v_cond, 'input.z_rand': z_rand,
                'input.latents_mean': mean, 'input.latents_std': std},
        outputs=outputs,
        config=dict(VAE21_B_CFG, frames=T, height=H, width=W,
                    compression=[4, 8, 8]),
        summary=('Wan2.1 VAE dim 4 (z 16), 13 frames 16x40 -> latent '
                 '(4, 2, 5); z_rand 3 latent frames'),
        notes=('Wan2.1 VAE (wan/modules/vae.py WanVAE_) at dim=4, 13 frames '
               '(1 + 4*3: four encoder chunks -> 4 latent frames) of 16x40 '
               '(latent 2x5). Same conventions as the shipped vae21: '
               'encode returns (mu - mean) / std, decode un-normalises '
               'first, output.decoded is not clamped; latent_i2v_cond = '
               'encode of [image, 12 zero frames]; decoded_z_rand decodes 3 '
               'random latent frames (-> 9 frames). attn_scales stays []: '
               'the official encoder/decoder call every down/upsample layer '
               'with (x, feat_cache, feat_idx), which AttentionBlock does '
               'not accept.'))
    if inter is not None:
        res['inter'] = inter
    return res


def vae22_b(src, mode):
    V = src.w22.import_module('modules.vae2_2')
    path = os.path.join(src.w22.src_root, 'wan', 'modules', 'vae2_2.py')
    mean, std, scale = _vae_scale(path, 'Wan2_2_VAE', _fp(mode))
    T, H, W = 5, 64, 32
    video = _uniform((1, 3, T, H, W), 2901)
    image = _uniform((1, 3, 1, H, W), 2902)
    i2v_cond = torch.concat([image, torch.zeros(1, 3, T - 1, H, W)], dim=2)
    z_rand = _randn((1, 48, 1, H // 16, W // 16), 2903)
    model, outputs, inter = _vae_common(V, VAE22_B_CFG, 2900, scale, mode,
                                        video, image, z_rand, i2v_cond)
    res = dict(
        params=state_dict_for_file(model),
        inputs={'input.video': video, 'input.image': image,
                'input.i2v_cond_video': i2v_cond, 'input.z_rand': z_rand,
                'input.latents_mean': mean, 'input.latents_std': std},
        outputs=outputs,
        config=dict(VAE22_B_CFG, frames=T, height=H, width=W,
                    compression=[4, 16, 16], patch_size=2),
        summary=(f'Wan2.2 VAE dim {VAE22_B_CFG["dim"]} / dec_dim '
                 f'{VAE22_B_CFG["dec_dim"]} (z 48), 5 frames 64x32 -> '
                 'latent (2, 4, 2); z_rand 1 latent frame'),
        notes=('Wan2.2 VAE (wan/modules/vae2_2.py WanVAE_) with encoder '
               f'dim={VAE22_B_CFG["dim"]} and decoder '
               f'dec_dim={VAE22_B_CFG["dec_dim"]} (different widths, like the '
               'real 160/256), z_dim=48; 5 frames of 64x32 (portrait, '
               'latent 4x2). Input patchified 2x2 before the encoder, '
               'decoder output unpatchified. Same output conventions as the '
               'shipped vae22; decoded_z_rand decodes a single random latent '
               'frame (-> 1 frame, the first-chunk-only path). attn_scales is accepted but unused by the '
               'Wan2.2 VAE, so it stays [].'))
    if inter is not None:
        res['inter'] = inter
    return res


# ----------------------------------------------------------------------------
# UMT5 encoder
# ----------------------------------------------------------------------------
T5_B_CFG = dict(T5_CFG, vocab=150, dim=48, dim_attn=48, dim_ffn=96,
                num_heads=6, num_layers=3)


def umt5_encoder_b(src, mode):
    T5 = src.w21.import_module('modules.t5')
    torch.manual_seed(3000)
    model = T5.T5Encoder(**T5_B_CFG)
    randomize_(model, 3001)
    L = 512
    lens = [1, 9, 30]
    g = _gen(3002)
    ids = torch.zeros(len(lens), L, dtype=torch.long)
    mask = torch.zeros(len(lens), L, dtype=torch.long)
    for b, n in enumerate(lens):
        ids[b, :n - 1] = torch.randint(3, T5_B_CFG['vocab'], (n - 1, ),
                                       generator=g)
        ids[b, n - 1] = 1   # </s>
        mask[b, :n] = 1
    m = _prep(model, mode)
    with torch.no_grad(), _ctx(mode):
        out = m(ids, mask)
    seq_lens = mask.gt(0).sum(dim=1).long()
    outputs = {'output.hidden': out}
    for b, v in enumerate(seq_lens.tolist()):
        outputs[f'output.context{b}'] = out[b, :v]
    res = dict(
        params=state_dict_for_file(model),
        inputs={'input.ids': ids, 'input.mask': mask},
        outputs=outputs,
        config=dict(T5_B_CFG, text_len=L, batch=3, lens=lens),
        summary=('UMT5 vocab 150, dim 48, 6 heads x 8, ffn 96, 3 layers, '
                 'batch 3 of lengths [1, 9, 30], text_len 512'),
        notes=('UMT5 encoder (wan/modules/t5.py T5Encoder, shared_pos=False), '
               'batch of 3 prompts of 1 (only </s>), 9 and 30 tokens, 6 '
               'heads of 8 dims, 3 blocks. Same layout as the shipped '
               'umt5_encoder: ids = content tokens, </s>=1, pad=0 up to '
               'text_len 512; mask = attention_mask; output.hidden = '
               'model(ids, mask); output.context{b} = hidden[b, :len_b] as '
               'T5EncoderModel.__call__ returns it. inter.rel_bucket[i] is '
               'the bucket of relative position i - 511.'))
    if mode == 'fp32':
        rel = torch.arange(-(L - 1), L)
        bucket = model.blocks[0].pos_embedding._relative_position_bucket(rel)
        res['inter'] = {'inter.rel_bucket': bucket.to(torch.int32)}
    return res


# ----------------------------------------------------------------------------
# CLIP visual tower
# ----------------------------------------------------------------------------
CLIP_B_CFG = dict(CLIP_CFG, image_size=42, dim=48, num_heads=3, num_layers=4)


def clip_visual_b(src, mode):
    C = src.w21.import_module('modules.clip')
    import torchvision.transforms as T  # real or harness shim
    path = os.path.join(src.w21.src_root, 'wan', 'modules', 'clip.py')
    mean, std = ast_constants(path, '_clip', ['mean', 'std'])
    torch.manual_seed(3100)
    vit = C.VisionTransformer(**CLIP_B_CFG)
    randomize_(vit, 3101)
    img = _uniform((3, 37, 61), 3102)
    m = _prep(vit, mode)
    wrapper = C.CLIPModel.__new__(C.CLIPModel)
    wrapper.dtype = _fp(mode)
    wrapper.model = type('M', (), {})()
    wrapper.model.image_size = CLIP_B_CFG['image_size']
    wrapper.model.visual = m
    wrapper.transforms = T.Compose([T.Normalize(mean=mean, std=std)])
    hooks = None
    if mode == 'fp32':
        hooks = Hooks()
        hooks.add(m.pre_norm, 'inter.after_pre_norm')
        for i, blk in enumerate(m.transformer):
            hooks.add(blk, f'inter.block{i}')
    with torch.no_grad(), _ctx(mode):
        out = wrapper.visual([img.to(_fp(mode))[:, None, :, :]])
    res = dict(
        params=state_dict_for_file(vit, prefix='visual.'),
        inputs={'input.image': img},
        outputs={'output.features': out},
        config=dict(CLIP_B_CFG, clip_mean=mean, clip_std=std),
        summary=('CLIP ViT 42 px / patch 14 (10 tokens), dim 48, 3 heads, '
                 '4 layers (3 run), image 37x61'),
        notes=('CLIP ViT (wan/modules/clip.py VisionTransformer) through '
               'CLIPModel.visual with a non-square 37x61 input: bicubic '
               'resize to 42x42 (aspect not preserved, align_corners=False) '
               '-> *0.5+0.5 -> Normalize -> 3x3 patches of 14 + cls = 10 '
               'tokens -> pre_norm -> the first 3 of 4 blocks '
               '(use_31_block=True). inter.block3 is absent because the '
               'last block never runs. Keys carry the "visual." prefix.'))
    if hooks:
        hooks.remove()
        res['inter'] = hooks.store
    return res


# ----------------------------------------------------------------------------
# End-to-end tiny pipelines
# ----------------------------------------------------------------------------
DIT_E2E = dict(dim=32, ffn_dim=64, num_heads=2, num_layers=2, text_len=16)
# 3 channels is the floor: with 2, the RMS norms of the outer VAE stages
# normalise near-zero 2-vectors and the decoded video becomes
# ill-conditioned (float32 vs float64 error ~2e-4 instead of ~1e-5).
VAE21_E2E_B_CFG = dict(VAE21_CFG, dim=3)
VAE22_E2E_B_CFG = dict(VAE22_CFG, dim=3, dec_dim=3)


def _dpmpp(D, steps, shift):
    """Scheduler setup of the official generate() for sample_solver='dpm++'."""
    sch = D.FlowDPMSolverMultistepScheduler(num_train_timesteps=1000,
                                            shift=1,
                                            use_dynamic_shifting=False)
    sampling_sigmas = D.get_sampling_sigmas(steps, shift)
    timesteps, _ = D.retrieve_timesteps(sch, device='cpu',
                                        sigmas=sampling_sigmas)
    return sch, timesteps, sampling_sigmas


def e2e_t2v_wan21_b(src, mode):
    M = src.w21.import_module('modules.model')
    V = src.w21.import_module('modules.vae')
    D = src.w21.import_module('utils.fm_solvers')
    path = os.path.join(src.w21.src_root, 'wan', 'modules', 'vae.py')
    dt = _fp(mode)
    mean, std, scale = _vae_scale(path, 'WanVAE', dt)
    dit, cfg = _build_dit(M, 3200, model_type='t2v', in_dim=16, out_dim=16,
                          **DIT_E2E)
    torch.manual_seed(3202)
    vae = V.WanVAE_(**VAE21_E2E_B_CFG)
    randomize_(vae, 3203)
    steps, shift, guide = 5, 3.0, 4.5
    grid = (2, 4, 4)
    seq_len = _tokens(grid)
    noise = _randn((16, ) + grid, 3204)
    ctx = _randn((9, cfg['text_dim']), 3205)
    ctx_null = _randn((4, cfg['text_dim']), 3206)
    d, v = _prep(dit, mode), _prep(vae, mode)
    sch, timesteps, sampling_sigmas = _dpmpp(D, steps, shift)
    latents = [noise.to(dt)]
    trace = {'cond': [], 'uncond': [], 'latents': [latents[0].clone()]}
    with torch.no_grad(), _ctx(mode):
        for t in timesteps:
            timestep = torch.stack([t])
            c = d(latents, t=timestep, context=[ctx.to(dt)],
                  seq_len=seq_len)[0]
            u = d(latents, t=timestep, context=[ctx_null.to(dt)],
                  seq_len=seq_len)[0]
            pred = u + guide * (c - u)
            x0 = sch.step(pred.unsqueeze(0), t, latents[0].unsqueeze(0),
                          return_dict=False)[0]
            latents = [x0.squeeze(0)]
            trace['cond'].append(c)
            trace['uncond'].append(u)
            trace['latents'].append(latents[0].clone())
        video = v.decode(latents[0].unsqueeze(0), scale).clamp_(-1, 1)[0]
    params = state_dict_for_file(dit, 'dit.')
    params.update(state_dict_for_file(vae, 'vae.'))
    frames = 4 * (grid[0] - 1) + 1
    return dict(
        params=params,
        inputs={'input.noise': noise, 'input.context': ctx,
                'input.context_null': ctx_null,
                'input.latents_mean': mean, 'input.latents_std': std},
        outputs={'output.timesteps': timesteps.clone(),
                 'output.sigmas': sch.sigmas.clone(),
                 'output.sampling_sigmas': torch.from_numpy(
                     sampling_sigmas.copy()).to(torch.float64),
                 'output.latents': latents[0], 'output.video': video},
        inter={'trace.noise_pred_cond': torch.stack(trace['cond']),
               'trace.noise_pred_uncond': torch.stack(trace['uncond']),
               'trace.latents': torch.stack(trace['latents'])},
        config=dict(dit=_jsonable(cfg), vae=VAE21_E2E_B_CFG, solver='dpm++',
                    steps=steps, shift=shift, guide_scale=guide,
                    seq_len=seq_len, latent_grid=list(grid), frames=frames,
                    height=grid[1] * 8, width=grid[2] * 8),
        summary=('Wan2.1 T2V dpm++ 5 steps, shift 3, guide 4.5, DiT dim 32 '
                 f'x2 layers, VAE dim {VAE21_E2E_B_CFG["dim"]}, latent '
                 '(2, 4, 4) -> video 5x32x32'),
        notes=('Tiny Wan2.1 T2V with sample_solver="dpm++": WanT2V.generate '
               'loop with FlowDPMSolverMultistepScheduler(shift=1) and '
               'sigmas = get_sampling_sigmas(5, 3.0) through '
               'retrieve_timesteps (output.sampling_sigmas, float64 as numpy '
               'returns them), CFG uncond + 4.5*(cond-uncond), then '
               'WanVAE.decode (un-normalise, decode, clamp). DiT keys '
               'prefixed "dit.", VAE keys "vae.". trace.latents[0] = noise, '
               'trace.latents[i+1] = latents after step i; output.video '
               '[3, 5, 32, 32] in [-1, 1].'))


def e2e_t2v_a14b_moe_b(src, mode):
    M = src.w22.import_module('modules.model')
    V = src.w22.import_module('modules.vae2_1')
    U = src.w22.import_module('utils.fm_solvers_unipc')
    path = os.path.join(src.w22.src_root, 'wan', 'modules', 'vae2_1.py')
    dt = _fp(mode)
    mean, std, scale = _vae_scale(path, 'Wan2_1_VAE', dt)
    high, cfg = _build_dit(M, 3300, model_type='t2v', in_dim=16, out_dim=16,
                           **DIT_E2E)
    low, _ = _build_dit(M, 3310, model_type='t2v', in_dim=16, out_dim=16,
                        **DIT_E2E)
    torch.manual_seed(3320)
    vae = V.WanVAE_(**VAE21_E2E_B_CFG)
    randomize_(vae, 3321)
    steps, shift, boundary, guide = 12, 8.0, 0.9, (2.5, 5.0)
    grid = (3, 4, 4)
    seq_len = _tokens(grid)
    noise = _randn((16, ) + grid, 3330)
    ctx = _randn((6, cfg['text_dim']), 3331)
    ctx_null = _randn((10, cfg['text_dim']), 3332)
    hm, lm, v = _prep(high, mode), _prep(low, mode), _prep(vae, mode)
    sch = _unipc(U, steps, shift)
    b_t = boundary * 1000
    latents = [noise.to(dt)]
    trace = {'cond': [], 'uncond': [], 'latents': [latents[0].clone()],
             'expert': [], 'g': []}
    with torch.no_grad(), _ctx(mode):
        for t in sch.timesteps:
            timestep = torch.stack([t])
            is_high = t.item() >= b_t
            model = hm if is_high else lm
            g = guide[1] if is_high else guide[0]
            c = model(latents, t=timestep, context=[ctx.to(dt)],
                      seq_len=seq_len)[0]
            u = model(latents, t=timestep, context=[ctx_null.to(dt)],
                      seq_len=seq_len)[0]
            pred = u + g * (c - u)
            x0 = sch.step(pred.unsqueeze(0), t, latents[0].unsqueeze(0),
                          return_dict=False)[0]
            latents = [x0.squeeze(0)]
            trace['cond'].append(c)
            trace['uncond'].append(u)
            trace['latents'].append(latents[0].clone())
            trace['expert'].append(1 if is_high else 0)
            trace['g'].append(g)
        video = v.decode(latents[0].unsqueeze(0), scale).clamp_(-1, 1)[0]
    params = state_dict_for_file(high, 'high_noise_model.')
    params.update(state_dict_for_file(low, 'low_noise_model.'))
    params.update(state_dict_for_file(vae, 'vae.'))
    frames = 4 * (grid[0] - 1) + 1
    n_high = sum(trace['expert'])
    return dict(
        params=params,
        inputs={'input.noise': noise, 'input.context': ctx,
                'input.context_null': ctx_null,
                'input.latents_mean': mean, 'input.latents_std': std},
        outputs={'output.timesteps': sch.timesteps.clone(),
                 'output.sigmas': sch.sigmas.clone(),
                 'output.expert_is_high': torch.tensor(trace['expert']),
                 'output.guide_scale': torch.tensor(trace['g'],
                                                    dtype=torch.float64),
                 'output.latents': latents[0], 'output.video': video},
        inter={'trace.noise_pred_cond': torch.stack(trace['cond']),
               'trace.noise_pred_uncond': torch.stack(trace['uncond']),
               'trace.latents': torch.stack(trace['latents'])},
        config=dict(dit=_jsonable(cfg), vae=VAE21_E2E_B_CFG, solver='unipc',
                    steps=steps, shift=shift, boundary=boundary,
                    guide_scale_low_high=list(guide), seq_len=seq_len,
                    latent_grid=list(grid), frames=frames,
                    height=grid[1] * 8, width=grid[2] * 8,
                    high_noise_steps=n_high),
        summary=('Wan2.2 T2V-A14B MoE UniPC 12 steps, shift 8, boundary '
                 f'0.9 ({n_high} high-noise steps), guide (2.5, 5.0), two '
                 f'DiTs dim 32, VAE2.1 dim {VAE21_E2E_B_CFG["dim"]}, latent '
                 '(3, 4, 4) -> video '
                 '9x32x32'),
        notes=('Tiny Wan2.2 T2V-A14B MoE: WanT2V.generate (Wan2.2) loop with '
               'UniPC (12 steps, shift 8). Expert = high_noise_model when '
               f't >= boundary*1000 (900; {n_high} of {steps} steps), else '
               'low_noise_model; guide scale (low, high) = (2.5, 5.0) by the '
               'same test; the negative context (10 tokens) is longer than '
               'the positive one (6). Keys prefixed "high_noise_model.", '
               '"low_noise_model.", "vae.". Wan2.1 VAE (vae2_1.py) for '
               'decoding, as T2V-A14B; output.video [3, 9, 32, 32].'))


def e2e_ti2v_5b_i2v_b(src, mode):
    M = src.w22.import_module('modules.model')
    V = src.w22.import_module('modules.vae2_2')
    U = src.w22.import_module('utils.fm_solvers_unipc')
    path = os.path.join(src.w22.src_root, 'wan', 'modules', 'vae2_2.py')
    dt = _fp(mode)
    mean, std, scale = _vae_scale(path, 'Wan2_2_VAE', dt)
    dit, cfg = _build_dit(M, 3400, model_type='ti2v', in_dim=48,
                          out_dim=48, **DIT_E2E)
    torch.manual_seed(3402)
    vae = V.WanVAE_(**VAE22_E2E_B_CFG)
    randomize_(vae, 3403)
    steps, shift, guide = 4, 7.0, 3.5
    grid = (3, 2, 4)
    seq_len = _tokens(grid)
    H, W = grid[1] * 16, grid[2] * 16
    img = _uniform((3, 1, H, W), 3404)
    noise = _randn((48, ) + grid, 3405)
    ctx = _randn((12, cfg['text_dim']), 3406)
    ctx_null = _randn((3, cfg['text_dim']), 3407)
    d, v = _prep(dit, mode), _prep(vae, mode)
    sch = _unipc(U, steps, shift)
    trace = {'cond': [], 'uncond': [], 'latents': [], 'ts': []}
    with torch.no_grad(), _ctx(mode):
        z = v.encode(img.to(dt).unsqueeze(0), scale)[0]
        mask2 = ti2v_masks(noise).to(dt)
        latent = (1. - mask2) * z + mask2 * noise.to(dt)
        trace['latents'].append(latent.clone())
        for t in sch.timesteps:
            ts = ti2v_timestep(mask2, t, seq_len)
            c = d([latent], t=ts, context=[ctx.to(dt)], seq_len=seq_len)[0]
            u = d([latent], t=ts, context=[ctx_null.to(dt)],
                  seq_len=seq_len)[0]
            pred = u + guide * (c - u)
            x0 = sch.step(pred.unsqueeze(0), t, latent.unsqueeze(0),
                          return_dict=False)[0]
            latent = x0.squeeze(0)
            latent = (1. - mask2) * z + mask2 * latent
            trace['cond'].append(c)
            trace['uncond'].append(u)
            trace['latents'].append(latent.clone())
            trace['ts'].append(ts[0].clone())
        video = v.decode(latent.unsqueeze(0), scale).clamp_(-1, 1)[0]
    params = state_dict_for_file(dit, 'dit.')
    params.update(state_dict_for_file(vae, 'vae.'))
    frames = 4 * (grid[0] - 1) + 1
    return dict(
        params=params,
        inputs={'input.image': img, 'input.noise': noise,
                'input.context': ctx, 'input.context_null': ctx_null,
                'input.latents_mean': mean, 'input.latents_std': std},
        outputs={'output.timesteps': sch.timesteps.clone(),
                 'output.sigmas': sch.sigmas.clone(),
                 'output.image_latent': z,
                 'output.latents': latent, 'output.video': video},
        inter={'trace.noise_pred_cond': torch.stack(trace['cond']),
               'trace.noise_pred_uncond': torch.stack(trace['uncond']),
               'trace.latents': torch.stack(trace['latents']),
               'trace.per_token_t': torch.stack(trace['ts'])},
        config=dict(dit=_jsonable(cfg), vae=VAE22_E2E_B_CFG, solver='unipc',
                    steps=steps, shift=shift, guide_scale=guide,
                    seq_len=seq_len, latent_grid=list(grid), frames=frames,
                    height=H, width=W),
        summary=('Wan2.2 TI2V-5B i2v UniPC 4 steps, shift 7, guide 3.5, '
                 'DiT dim 32 x2 layers, VAE2.2 dim '
                 f'{VAE22_E2E_B_CFG["dim"]} / dec_dim '
                 f'{VAE22_E2E_B_CFG["dec_dim"]}, latent '
                 '(3, 2, 4) -> video 9x32x64'),
        notes=('Tiny Wan2.2 TI2V-5B image-to-video: WanTI2V.i2v loop (UniPC, '
               '4 steps, shift 7, guide 3.5) on a 32x64 image, latent grid '
               '(3, 2, 4) -> 6 tokens. z = Wan2.2-VAE (dim '
               f'{VAE22_E2E_B_CFG["dim"]}, dec_dim '
               f'{VAE22_E2E_B_CFG["dec_dim"]}) '
               'encode of the single input frame (output.image_latent); '
               'latent = (1-mask2)*z + mask2*noise; per-token timestep (0 on '
               'the 2 first-frame tokens); after each scheduler step the '
               'first latent frame is reset to z; decode + clamp. '
               'trace.latents[0] is the initial mixed latent; output.video '
               '[3, 9, 32, 64].'))


CASES = {
    'dit_t2v_wan21_h3': dit_t2v_wan21_h3,
    'dit_t2v_wan22_h5': dit_t2v_wan22_h5,
    'dit_i2v_wan21_b': dit_i2v_wan21_b,
    'dit_i2v_wan22_b': dit_i2v_wan22_b,
    'dit_ti2v_wan22_b': dit_ti2v_wan22_b,
    'dit_t2v_wan21_batch2': dit_t2v_wan21_batch2,
    'dit_t2v_wan22_batch2': dit_t2v_wan22_batch2,
    'vae21_b': vae21_b,
    'vae22_b': vae22_b,
    'umt5_encoder_b': umt5_encoder_b,
    'clip_visual_b': clip_visual_b,
    'e2e_t2v_wan21_b': e2e_t2v_wan21_b,
    'e2e_t2v_a14b_moe_b': e2e_t2v_a14b_moe_b,
    'e2e_ti2v_5b_i2v_b': e2e_ti2v_5b_i2v_b,
}


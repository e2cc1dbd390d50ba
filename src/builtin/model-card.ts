// The built-in model's card (MODEL_CARD.md in the model folder): what it is, how
// it was trained (recipe, wall time, losses, curves), how well it does on
// held-out combinations, how fast it runs, and how to reproduce all of it.

import { spatialCompression } from '../models/wan/vae/config.js';
import { SIZE_RADIUS, SIZES, type SizeName } from '../world/vocab.js';
import type { EvalReport } from './eval.js';
import { evalTables } from './eval-table.js';
import { BUILTIN_FILES } from './export.js';
import { type BuiltinRecipe, focusRound, rawVaeConfig } from './recipe.js';
import type { TrainBuiltinReport } from './train-builtin.js';

/** Seconds per clip measured by `benchBuiltin`. */
export interface SpeedReport {
  /** Fresh process-level pipeline: open the folder, load, generate one clip (includes graph compilation). */
  readonly coldSeconds: number;
  /** Median of further clips with the same pipeline (weights reloaded per clip, as the CLI does). */
  readonly warmSeconds: number;
  readonly threads: number;
  readonly runs: number;
  readonly cpu: string;
}

export interface ModelCardInput {
  readonly recipe: BuiltinRecipe;
  readonly training?: TrainBuiltinReport;
  readonly evaluation?: EvalReport;
  /** The same text-to-video evaluation sampled in one pass, when the folder's default is two. */
  readonly evaluationOnePass?: EvalReport;
  readonly speed?: SpeedReport;
  /** Parameter count and file size (bytes) per component. */
  readonly components: readonly {
    readonly name: string;
    readonly file: string;
    readonly params: number;
    readonly bytes: number;
    readonly what: string;
  }[];
  readonly vocabSize: number;
}

const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const kParams = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);
const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

/** Renders the card as Markdown. */
export function renderModelCard(m: ModelCardInput): string {
  const r = m.recipe;
  const v = r.video;
  const out: string[] = [];
  out.push(
    `# ${r.name}: the built-in model`,
    '',
    `A tiny text-and-image-to-video model with the Wan 2.x architecture, trained from scratch by wanjs's own trainer`,
    `on the procedural shapes world (\`src/world/\`): coloured circles, squares, triangles and stars moving on dark`,
    `backgrounds. It is what \`wanjs generate\` runs when no \`--model\` is given. It makes ${v.frames} frames of`,
    `${v.width}×${v.height} at ${v.fps} fps from English or Chinese prompts, and image-to-video from a first frame.`,
    '',
    '```sh',
    'npx wanjs generate "a red circle moving right" -o out.mp4',
    'npx wanjs generate "一个红色的圆形向右移动" -o out.mp4',
    'npx wanjs generate "a blue star moving up" --image first.png -o out.mp4   # keeps the object of first.png',
    'npx wanjs eval                                                             # reproduces the table below',
    '```',
    '',
    'It only knows its world: one or two objects, 8 colours (red, green, blue, yellow, purple, orange, white, cyan),',
    '4 shapes, 3 sizes, 13 motions (still, left, right, up, down, the four diagonals, bounce, grow, shrink, rotate)',
    'and 4 backgrounds (black, dark gray, navy blue, dark green).',
    '',
    '## Files',
    '',
    'The folder has the official Wan layout, so the same loaders that read released Wan checkpoints run it.',
    '',
    '| component | file | architecture | parameters | size |',
    '|---|---|---|---:|---:|',
  );
  for (const c of m.components)
    out.push(`| ${c.name} | \`${c.file}\` | ${c.what} | ${kParams(c.params)} | ${mb(c.bytes)} |`);
  out.push(
    `| tokenizer | \`${BUILTIN_FILES.tokenizer}\` | SentencePiece unigram, ${m.vocabSize} pieces (the world's English and Chinese words, their characters, ASCII, 256 byte-fallback pieces); pad 0, \`</s>\` 1, unk 2 | — | — |`,
    `| defaults | \`${BUILTIN_FILES.defaults}\` | ${r.sampling.steps} ${r.sampling.sampler} steps, shift ${r.sampling.shift}, guidance ${r.sampling.guideScale}, empty negative prompt, ${v.frames} frames ${v.width}×${v.height} @ ${v.fps} fps${r.sampling.firstFrameFirst ? ', text-to-video in two passes' : ''} | — | — |`,
    '',
    `* **DiT**: \`model_type: "ti2v"\` (Wan2.2 per-token timesteps), so one model does text-to-video and image-to-video: the`,
    '  encoded first frame is held as latent frame 0 with timestep 0 on its tokens, exactly the TI2V-5B sampling path.',
    ...(r.sampling.firstFrameFirst
      ? [
          '  Text-to-video runs in two passes (`firstFrameFirst` in `wanjs.json`, `--passes 1|2`): a full sample, whose first',
          '  latent frame is kept, then image-to-video from that frame and the same noise. This model moves a given first',
          '  frame as prompted far more often than it composes first frame and motion in one pass (see Evaluation).',
        ]
      : []),
    `  dim ${r.dit.dim}, ${r.dit.layers} layers, ${r.dit.heads} heads, FFN ${r.dit.ffn}, patch 1×2×2, text_len ${r.dit.textLen}; in/out 16`,
    `  channels (the Wan2.1 VAE's latent). A ${v.frames}×${v.width}×${v.height} clip is a 16×${1 + (v.frames - 1) / 4}×${v.height / 8}×${v.width / 8} latent, ${(1 + (v.frames - 1) / 4) * (v.height / 16) * (v.width / 16)} tokens.`,
    `* **VAE**: the Wan2.1 VAE topology (dim_mult [1, 2, 4, 4], 2 residual blocks, causal 3-D convolutions, 4×8×8`,
    `  compression) at base width ${r.vaeWide.dim}: trained at base width ${r.vae.dim}, then widened once the DiT's training`,
    '  latents were made — the encoder exactly (added channels stay zero, so it gives the same latents), the decoder by',
    '  channel duplication — and the decoder trained on with the encoder frozen. Our own latent statistics are folded',
    '  into `conv1`/`conv2` (an exact per-channel affine map) so that the official Wan2.1 latent mean/std constants give',
    '  unit-variance latents.',
    `* **Text encoder**: UMT5 (relative-position buckets per layer, gated-GELU FFN), dim ${r.text.dim}, ${r.text.layers} layers,`,
    `  ${r.text.heads} heads, FFN ${r.text.ffn}, stored in bfloat16 like the released encoder; pre-trained to`,
    '  separate the attributes a prompt names (phase `text-probe`), then trained jointly with the DiT.',
    '',
    '## Training',
    '',
    `\`npm run train:builtin\` retrains everything from scratch with fixed seeds (one ONNX Runtime thread for the VAE: bit for bit; ${r.joint.threads} for text+DiT: losses repeat to ~1e-6, not bit for bit),`,
    'resuming where it stopped if interrupted. Data are rendered on the fly by the shapes world; the held-out',
    '(colour, shape, motion) triples of `HELDOUT_TRIPLES` never appear in training.',
    '',
    '| phase | what | steps | examples | wall time | loss: first 2 % → last 5 % | curve |',
    '|---|---|---:|---:|---:|---|---|',
  );
  const t = m.training;
  const phaseWhat: Record<string, [string, number]> = {
    'vae-images': [
      `VAE, single frames (first-chunk path), ${r.vae.images.perStep} per step; object-weighted L1 + L2, KL ${r.vae.klWeight}`,
      r.vae.images.perStep * r.vae.images.batch,
    ],
    'vae-clips': [
      `VAE, ${r.vae.clips.frames}-frame clips, ${r.vae.clips.crop}×${r.vae.clips.crop} crops`,
      r.vae.clips.batch,
    ],
    'vae-wide-images': [
      `VAE widened to base width ${r.vaeWide.dim} (decoder copies perturbed by ${r.vaeWide.noise} of each tensor's RMS), encoder frozen; decoder on single frames as in vae-images`,
      r.vaeWide.images.perStep * r.vaeWide.images.batch,
    ],
    'vae-wide-clips': [
      `the widened decoder on ${r.vaeWide.clips.frames}-frame clips, ${r.vaeWide.clips.crop}×${r.vaeWide.clips.crop} crops, encoder frozen`,
      r.vaeWide.clips.batch,
    ],
    'text-probe': [
      `UMT5 pre-training: a linear probe on the mean token state must recover every attribute the prompt names (one-hot regression), batch ${r.textProbe.batch}, English/Chinese at random; the probe is dropped`,
      r.textProbe.batch,
    ],
    'text+dit': [
      `UMT5 + DiT, flow matching (shift ${r.joint.shift}), batch ${r.joint.batch}, English/Chinese at random, prompt dropped ${(100 * r.joint.dropPrompt).toFixed(0)} %, image-to-video ${(100 * r.joint.imageToVideo).toFixed(0)} %, EMA ${r.joint.ema}`,
      r.joint.batch,
    ],
  };
  for (const [k, round] of r.jointFocus.entries()) {
    const from = k === 0 ? 'text+dit' : focusRound(k - 1).name;
    phaseWhat[focusRound(k).name] = [
      `UMT5 + DiT continued from ${from} (learning rate restarted) with the loss weighted ×${1 + round.objectWeight} on latent positions an object covers (renormalised to mean 1), same prompt/i2v/σ settings, EMA restarted`,
      round.batch,
    ];
  }
  if (t) {
    for (const p of t.phases) {
      const [what, per] = phaseWhat[p.name] ?? [p.name, 1];
      const curve = t.curves[p.name] ? `![${p.name}](${t.curves[p.name]})` : '';
      out.push(
        `| ${p.name} | ${what} | ${p.steps} | ${p.steps * per} | ${minutes(p.seconds)} | ${p.firstLoss.toFixed(4)} → ${p.finalLoss.toFixed(4)} | ${curve} |`,
      );
    }
    const total = t.phases.reduce((s, p) => s + p.seconds, 0) + t.encodeSeconds;
    out.push(
      '',
      `Encoding the ${r.clips} training clips to latents took ${minutes(t.encodeSeconds)}. Total: **${minutes(total)}** of optimiser and`,
      'encoding time (sum of step times; graph compilation and start-up excluded) on the 2-core development CPU, which other',
      'jobs shared during the run, so an idle machine is faster.',
      '',
    );
  } else out.push('', '(no training report)', '');
  out.push(
    'Optimiser: AdamW (β = 0.9, 0.99), linear warm-up then cosine decay, global gradient-norm clipping at 1.',
    '',
    '| phase | lr | min lr | warm-up | weight decay |',
    '|---|---:|---:|---:|---:|',
    `| vae-images | ${r.vae.images.lr} | ${r.vae.images.minLr} | ${r.vae.images.warmup} | ${r.vae.images.weightDecay} |`,
    `| vae-clips | ${r.vae.clips.lr} | ${r.vae.clips.minLr} | ${r.vae.clips.warmup} | ${r.vae.clips.weightDecay} |`,
    `| vae-wide-images | ${r.vaeWide.images.lr} | ${r.vaeWide.images.minLr} | ${r.vaeWide.images.warmup} | ${r.vaeWide.images.weightDecay} |`,
    `| vae-wide-clips | ${r.vaeWide.clips.lr} | ${r.vaeWide.clips.minLr} | ${r.vaeWide.clips.warmup} | ${r.vaeWide.clips.weightDecay} |`,
    `| text-probe | ${r.textProbe.lr} | ${r.textProbe.minLr} | ${r.textProbe.warmup} | ${r.textProbe.weightDecay} |`,
    `| text+dit | ${r.joint.lr} | ${r.joint.minLr} | ${r.joint.warmup} | ${r.joint.weightDecay} |`,
    ...r.jointFocus.map((f, k) => `| ${focusRound(k).name} | ${f.lr} | ${f.minLr} | ${f.warmup} | ${f.weightDecay} |`),
    '',
    `The VAE starts as a per-frame image VAE (only the newest tap of every temporal kernel is non-zero, time convolutions`,
    'are identities), learns the spatial code from single frames — many frames per graph run, each its own first chunk —',
    'and then the temporal compression from clips.',
    '',
    '## Evaluation',
    '',
  );
  if (m.evaluation)
    out.push(
      evalTables(m.evaluation),
      '',
      ...(m.evaluationOnePass ? [onePassLine(m.evaluationOnePass), ''] : []),
      `Sampling: the folder defaults (${r.sampling.steps} steps, guidance ${r.sampling.guideScale}${r.sampling.firstFrameFirst ? ', text-to-video in two passes' : ''}). Grader: the world's analytic checker (\`scoreClip\`), which segments the clip by colour and classifies the shape and the motion of the object of the target colour.`,
      '',
    );
  else out.push('(not evaluated)', '');
  out.push('## Speed', '');
  if (m.speed) {
    const s = m.speed;
    out.push(
      `| | seconds per clip |`,
      '|---|---:|',
      `| first clip of a fresh pipeline (open folder, load weights, compile graphs, generate) | ${s.coldSeconds.toFixed(2)} |`,
      `| further clips, same pipeline (median of ${s.runs}) | ${s.warmSeconds.toFixed(2)} |`,
      '',
      `${s.threads} ONNX Runtime thread(s) on ${s.cpu}, ${r.sampling.steps} steps with guidance (2 DiT passes per step)${r.sampling.firstFrameFirst ? ', twice for text-to-video (two passes)' : ''}, VAE decode included; target ≤ 10 s on 2 cores.`,
      '',
    );
  } else out.push('(not measured)', '');
  out.push(
    '## Limitations',
    '',
    '* It knows only the shapes world. Other words fall back to byte pieces it never saw in training and are ignored at best.',
    `* Prompts longer than ${r.dit.textLen - 1} tokens do not fit the DiT's text length.`,
    '* Two-object prompts are harder than one-object prompts (objects can merge or swap properties), and a one-object prompt sometimes comes out as two objects of its colour.',
    sizeLimitation(r),
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run train:builtin   # trains all phases (resumable), writes assets/builtin-model/ and this card',
    'npx wanjs eval          # re-runs the held-out evaluation (same scenes, seeds and settings: same numbers)',
    'npx wanjs eval --word-use   # how much the DiT loss rises when the colour, shape or motion word is wrong',
    '```',
    '',
  );
  return out.join('\n');
}

/** The size limitation line: how many pixels (and latent pixels) the smallest object spans. */
function sizeLimitation(r: BuiltinRecipe): string {
  const side = Math.min(r.video.width, r.video.height);
  const px = (size: SizeName) => SIZE_RADIUS[size] * side;
  const small = px(SIZES[0]);
  const large = px(SIZES[SIZES.length - 1]);
  const stride = spatialCompression(rawVaeConfig(r));
  return (
    `* Objects have equal-area radii of ${small.toFixed(1)}–${large.toFixed(1)} px at ${r.video.width}×${r.video.height}, so a small object ` +
    `is about ${((2 * small) / stride).toFixed(1)} latent pixels across (the VAE compresses ${stride}×). Shape is where the model is weakest, ` +
    'small objects most, and a few held-out combinations are far below the rest (see the per-triple table; ' +
    '`npx wanjs eval --split validation` scores trained combinations for comparison). Of the motions, grow is the ' +
    'weakest (a growing object can drift instead).'
  );
}

function onePassLine(e: EvalReport): string {
  const p = (v: number) => `${(100 * v).toFixed(1)} %`;
  const a = e.t2v.all;
  return `For comparison, text-to-video in one pass (the official TI2V sampling; \`npx wanjs eval --passes 1 --images 0\`): colour ${p(a.colour)}, shape ${p(a.shape)}, motion ${p(a.motion)}, all three ${p(a.all)} (${a.n} clips).`;
}

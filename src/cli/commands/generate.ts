// wanjs generate "PROMPT" -o out.mp4: prompt (and optional first frame) to a video file.
import { InputError } from '../../engine/errors.js';
import { latentVideoToFrames, writeVideo } from '../../media/index.js';
import type { GenerateRequest, ProgressEvent, SamplerName } from '../../pipelines/types.js';
import { WanPipeline } from '../../pipelines/wan-pipeline.js';
import { intFlag, numFlag, parse, passesFlag, str } from '../args.js';
import { parseDevice } from '../device.js';
import type { CliIo } from '../io.js';
import { progressPrinter } from '../progress.js';

export const GENERATE_USAGE = `wanjs generate "PROMPT" [-o out.mp4] [options]
  --model DIR            model folder (official or diffusers layout); default: the built-in model
  --negative TEXT        negative prompt (default: the model's official one)
  --image FILE           first frame (image-to-video models, TI2V-5B)
  --size W*H             output size (I2V: target area; the image's aspect ratio is kept)
  --frames N             4n+1 frames
  --steps N  --shift X  --guidance X|LOW,HIGH  --seed N  --sampler unipc|dpm++|euler  --boundary X
  --passes 1|2           TI2V text-to-video: 2 = sample, keep the first frame, sample again from it
                         (default: the model folder's choice; 2 for the built-in model, else 1)
  --format mp4|webm|gif|png   (default from the file extension)
  --device cpu|cuda|webgpu  --threads N  --memory sequential|resident
  --int8                 DiT linears in int8 (CPU speed-up, lossy; default float32 = official numerics)
  --json                 one JSON line per progress event and a final result line`;

export interface GenerateCommandDeps {
  /** The built-in model folder, when the package ships one. */
  readonly builtinModel?: string;
}

function parseSize(v: string): { width: number; height: number } {
  const m = /^(\d+)[*x×](\d+)$/.exec(v.trim());
  if (!m) throw new InputError(`--size: expected W*H (e.g. 832*480), got '${v}'`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

function parseGuidance(v: string): number | { low: number; high: number } {
  const parts = v.split(',');
  if (parts.length === 1) return numFlag('guidance', v, 0);
  if (parts.length === 2) return { low: numFlag('guidance', parts[0], 0), high: numFlag('guidance', parts[1], 0) };
  throw new InputError(`--guidance: expected X or LOW,HIGH, got '${v}'`);
}

export function generateCommand(deps: GenerateCommandDeps = {}) {
  return async (argv: readonly string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parse(argv, {
      output: { type: 'string', short: 'o' },
      model: { type: 'string' },
      negative: { type: 'string' },
      image: { type: 'string' },
      size: { type: 'string' },
      frames: { type: 'string' },
      steps: { type: 'string' },
      shift: { type: 'string' },
      guidance: { type: 'string' },
      seed: { type: 'string' },
      sampler: { type: 'string' },
      boundary: { type: 'string' },
      passes: { type: 'string' },
      format: { type: 'string' },
      device: { type: 'string' },
      threads: { type: 'string' },
      memory: { type: 'string' },
      json: { type: 'boolean' },
      int8: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(GENERATE_USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      io.err(GENERATE_USAGE);
      return 2;
    }
    const model = str(values.model) ?? deps.builtinModel;
    if (!model) throw new InputError('--model DIR is required (no built-in model is installed)');
    const memory = str(values.memory) ?? 'sequential';
    if (memory !== 'sequential' && memory !== 'resident')
      throw new InputError(`--memory: expected sequential or resident, got '${memory}'`);
    const sampler = str(values.sampler);
    const size = values.size === undefined ? {} : parseSize(str(values.size) as string);
    const req: GenerateRequest = {
      prompt: positionals[0],
      negativePrompt: str(values.negative),
      image: str(values.image),
      ...size,
      frames: values.frames === undefined ? undefined : intFlag('frames', str(values.frames), 1),
      steps: values.steps === undefined ? undefined : intFlag('steps', str(values.steps), 1),
      shift: values.shift === undefined ? undefined : numFlag('shift', str(values.shift), 0),
      guideScale: values.guidance === undefined ? undefined : parseGuidance(str(values.guidance) as string),
      seed: values.seed === undefined ? undefined : intFlag('seed', str(values.seed), 0, 0),
      sampler: sampler as SamplerName | undefined,
      boundary: values.boundary === undefined ? undefined : numFlag('boundary', str(values.boundary), 0),
      firstFrameFirst: passesFlag(str(values.passes)),
    };
    const output = str(values.output) ?? 'out.mp4';
    const json = values.json === true;
    const onProgress = json
      ? (e: ProgressEvent) => io.out(JSON.stringify({ event: 'progress', ...e }))
      : progressPrinter(io);
    const pipe = await WanPipeline.open(model, {
      runtime: await io.runtime(),
      device: parseDevice(str(values.device)),
      threads: values.threads === undefined ? undefined : intFlag('threads', str(values.threads), 1),
      memory,
      precision: values.int8 === true ? 'int8' : 'float32',
    });
    try {
      const res = await pipe.generate(req, { signal: io.signal, onProgress });
      const t = performance.now();
      onProgress({ phase: 'encoding-video', elapsedS: 0 });
      const frames = latentVideoToFrames(res.video, res.shape);
      const written = await writeVideo(frames, {
        path: output,
        format: str(values.format) as 'mp4' | 'webm' | 'gif' | 'png' | undefined,
        fps: res.fps,
        metadata: { generator: 'wanjs', settings: JSON.stringify(res.settings) },
        signal: io.signal,
      });
      const timings = { ...res.timings, 'encoding-video': performance.now() - t };
      if (json) io.out(JSON.stringify({ event: 'result', output, settings: res.settings, timings, video: written }));
      else
        io.out(
          `wrote ${output} (${res.shape[1]} frames, ${res.shape[3]}x${res.shape[2]}, ${res.fps} fps, seed ${res.settings.seed})`,
        );
      return 0;
    } finally {
      await pipe.dispose();
    }
  };
}

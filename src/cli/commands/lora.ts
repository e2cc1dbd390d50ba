// wanjs lora inspect|merge: look into LoRA files from any common trainer, and
// merge LoRAs into a DiT checkpoint.
import { basename } from 'node:path';
import { InputError } from '../../engine/errors.js';
import type { HostTensor } from '../../engine/host-tensor.js';
import { openCheckpoint } from '../../engine/weights/open-checkpoint.js';
import { readSafetensors, writeSafetensors } from '../../engine/weights/safetensors.js';
import { ditDiffusersToOfficial, ditOfficialToDiffusers } from '../../models/wan/keymaps/dit.js';
import { mergeLoras } from '../../models/wan/lora/merge.js';
import { detectDottedStyle } from '../../models/wan/lora/names.js';
import { readLora } from '../../models/wan/lora/read.js';
import { type LoraIssue, type LoraUse, loraRank } from '../../models/wan/lora/types.js';
import { parse, str } from '../args.js';
import type { CliIo, Command } from '../io.js';

export const LORA_USAGE = `wanjs lora inspect FILE [--json]
  Reads a LoRA (diffusers/PEFT, ComfyUI "diffusion_model." or kohya/musubi
  "lora_unet_" naming) and lists its adapters, ranks, alphas and every key that
  would not be applied, with the reason.

wanjs lora merge --base WEIGHTS --lora FILE[:STRENGTH]... --out OUT.safetensors [--strict] [--json]
  Merges one or more LoRAs into DiT weights (official or diffusers key names;
  safetensors, .pth or a sharded index): W' = W + strength·(alpha/rank)·B·A.
  Weights keep their names and dtypes. For Wan2.2 A14B merge each expert's
  weights separately. --strict fails when anything in a LoRA was not applied.`;

/** `path[:strength]`; a Windows drive letter is not a strength. */
export function parseLoraArg(s: string): { path: string; strength: number } {
  const m = /^(.*):([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)$/i.exec(s);
  if (!m || m[1].length < 2) return { path: s, strength: 1 };
  return { path: m[1], strength: Number(m[2]) };
}

function printIssues(io: CliIo, issues: readonly LoraIssue[]): void {
  for (const i of issues) io.out(`  not applied: ${i.key}: ${i.reason}`);
}

async function inspect(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (positionals.length !== 1) {
    io.err(LORA_USAGE);
    return 2;
  }
  const file = positionals[0];
  const { metadata } = await readSafetensors(file);
  const r = await readLora(file);
  const mods = [...r.lora.modules];
  const ranks = [...new Set(mods.map(([, m]) => loraRank(m)))].sort((a, b) => a - b);
  const alphas = [...new Set(mods.map(([, m]) => m.alpha))].sort((a, b) => a - b);
  if (values.json) {
    io.out(
      JSON.stringify({
        file,
        style: r.style,
        modules: mods.map(([k, m]) => ({
          module: k,
          rank: loraRank(m),
          alpha: m.alpha,
          out: m.up.shape[0],
          in: m.down.shape[1],
        })),
        diffs: [...r.lora.diffs.keys()],
        issues: r.issues,
        metadata: Object.keys(metadata),
      }),
    );
    return 0;
  }
  io.out(`${file}: ${r.style} naming, ${mods.length} adapters, ${r.lora.diffs.size} full deltas`);
  io.out(`  rank ${ranks.join(', ') || '-'}; alpha ${alphas.join(', ') || '-'}`);
  const blocks = new Set(mods.map(([k]) => /^blocks\.(\d+)\./.exec(k)?.[1]).filter((b) => b !== undefined));
  const kinds = [...new Set(mods.map(([k]) => k.replace(/^blocks\.\d+\./, 'blocks.*.')))].sort();
  if (mods.length) io.out(`  ${blocks.size} blocks; modules: ${kinds.join(', ')}`);
  if (Object.keys(metadata).length) io.out(`  metadata: ${Object.keys(metadata).join(', ')}`);
  printIssues(io, r.issues);
  if (r.issues.length === 0) io.out('  every key is applied');
  return 0;
}

async function merge(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      base: { type: 'string' },
      lora: { type: 'string', multiple: true },
      out: { type: 'string' },
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    false,
  );
  const basePath = str(values.base);
  const out = str(values.out);
  const loraArgs = (values.lora ?? []) as string[];
  if (!basePath || !out || loraArgs.length === 0) {
    io.err(LORA_USAGE);
    return 2;
  }
  const src = await openCheckpoint(basePath);
  const original = new Map<string, HostTensor>();
  try {
    for (const k of src.keys()) original.set(k, await src.read(k));
  } finally {
    await src.close();
  }
  // merge under official names, write back under the file's own names
  const diffusers = detectDottedStyle(original.keys()) === 'diffusers';
  const toOfficial = (k: string): string => (diffusers ? (ditDiffusersToOfficial(k) ?? k) : k);
  const base = new Map([...original].map(([k, t]) => [toOfficial(k), t]));
  const known = [...base]
    .filter(([k, t]) => k.endsWith('.weight') && t.shape.length === 2)
    .map(([k]) => k.slice(0, -'.weight'.length));
  const uses: LoraUse[] = [];
  const issues: LoraIssue[] = [];
  for (const a of loraArgs) {
    const { path, strength } = parseLoraArg(a);
    if (!Number.isFinite(strength)) throw new InputError(`--lora ${a}: strength is not a number`);
    const r = await readLora(path, { knownModules: known });
    const name = basename(path);
    issues.push(...r.issues.map((i) => ({ key: `${name}: ${i.key}`, reason: i.reason })));
    uses.push({ lora: r.lora, strength, name });
  }
  const merged = mergeLoras(base, uses);
  issues.push(...merged.issues);
  if (values.strict && issues.length) {
    printIssues(io, issues);
    io.err(`wanjs lora merge: ${issues.length} LoRA entries were not applied (--strict)`);
    return 1;
  }
  const back = new Map(
    [...merged.weights].map(([k, t]) => [diffusers ? (ditOfficialToDiffusers(k) ?? k) : k, t] as const),
  );
  const meta = {
    'wanjs.lora_merge': JSON.stringify(uses.map((u) => ({ file: u.name, strength: u.strength }))),
  };
  await writeSafetensors(out, back, meta);
  if (values.json) {
    io.out(JSON.stringify({ out, applied: merged.applied, issues }));
  } else {
    io.out(`${out}: merged ${uses.length} LoRA(s) into ${merged.applied.length} weights`);
    printIssues(io, issues);
  }
  return merged.applied.length > 0 ? 0 : 1;
}

export const loraCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'inspect') return inspect(rest, io);
  if (sub === 'merge') return merge(rest, io);
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(LORA_USAGE);
    return 0;
  }
  io.err(sub ? `wanjs lora: unknown subcommand '${sub}'\n\n${LORA_USAGE}` : LORA_USAGE);
  return 2;
};

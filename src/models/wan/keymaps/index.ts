// Parameter-name maps between the official Wan checkpoints and the diffusers /
// transformers layouts, for `bindParameters({ keyMap })`.
export { ditDiffusersToOfficial, ditOfficialToDiffusers } from './dit.js';
export { umt5HfToOfficial, umt5OfficialToHf } from './umt5.js';
export { vae21DiffusersToOfficial, vae22DiffusersToOfficial } from './vae.js';

// Node-only entry (`@frx/giu-gan/node`): files for sample grids, checkpoints and JSONL logs.
export {
  writeSampleGrid,
  saveGanCheckpoint,
  loadGanCheckpoint,
  createJsonlWriter,
} from './training/node-files';
export type { JsonlWriter } from './training/node-files';

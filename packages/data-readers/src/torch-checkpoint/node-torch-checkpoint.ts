import { readFile } from 'node:fs/promises';

import { readTorchCheckpoint, type TorchTensor } from './read-torch-checkpoint';

/**
 * Reads a PyTorch checkpoint from disk (Node); see {@link readTorchCheckpoint}.
 *
 * @param path - e.g. `ms1mv3_arcface_r50_fp16/backbone.pth`.
 * @example
 * ```ts
 * const weights = await readTorchCheckpointFile('backbone.pth');
 * ```
 */
export async function readTorchCheckpointFile(path: string): Promise<Map<string, TorchTensor>> {
  return readTorchCheckpoint(new Uint8Array(await readFile(path)), { file: path });
}

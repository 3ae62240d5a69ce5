import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  CIFAR10_CLASSES,
  concatCifar10Batches,
  parseCifar10Batch,
  parseCifar10Meta,
  type Cifar10Batch,
} from './parse-cifar10-batch';

/** CIFAR-10 binary version: training and test sets and the class names. */
export interface Cifar10Dataset {
  /** `data_batch_1.bin` … `data_batch_5.bin` concatenated (50,000 images). */
  train: Cifar10Batch;
  /** `test_batch.bin` (10,000 images). */
  test: Cifar10Batch;
  /** From `batches.meta.txt` when present, else {@link CIFAR10_CLASSES}. */
  classes: string[];
}

async function findFiles(root: string, names: ReadonlySet<string>, depth = 3): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const walk = async (dir: string, level: number): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isFile() && names.has(entry.name) && !found.has(entry.name)) found.set(entry.name, path);
      else if (entry.isDirectory() && level < depth) await walk(path, level + 1);
    }
  };
  await walk(root, 0);
  return found;
}

/**
 * Loads the CIFAR-10 binary version from a folder, finding `data_batch_{1..5}.bin`, `test_batch.bin` and
 * `batches.meta.txt` anywhere up to three levels below `dir` (the tarball extracts to `cifar-10-batches-bin/`).
 * Node only. For the JPEG class-per-folder trees use `listImageFolder(dir + '/train')`.
 *
 * @param dir - folder holding (or above) the batch files.
 * @returns NHWC uint8 images and labels for train (50,000) and test (10,000).
 * @throws Error listing the missing files; DataFormatError for malformed batches.
 *
 * @example
 * const { train, test, classes } = await loadCifar10('downloads/cifar-10-binary');
 */
export async function loadCifar10(dir: string): Promise<Cifar10Dataset> {
  const trainNames = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  const wanted = new Set([...trainNames, 'test_batch.bin', 'batches.meta.txt']);
  const found = await findFiles(dir, wanted);
  const missing = [...trainNames, 'test_batch.bin'].filter((n) => !found.has(n));
  if (missing.length > 0) throw new Error(`loadCifar10: ${missing.join(', ')} not found under ${dir}`);
  const read = async (name: string) => {
    const path = found.get(name)!;
    return parseCifar10Batch(new Uint8Array(await readFile(path)), { file: path });
  };
  const train = concatCifar10Batches(await Promise.all(trainNames.map(read)));
  const test = await read('test_batch.bin');
  const metaPath = found.get('batches.meta.txt');
  const classes = metaPath ? parseCifar10Meta(await readFile(metaPath, 'utf8')) : [...CIFAR10_CLASSES];
  return { train, test, classes };
}

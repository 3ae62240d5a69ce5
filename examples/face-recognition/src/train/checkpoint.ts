import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import type { LrScheduler, OptimizerState, SchedulerJSON, ScheduledOptimizer } from '@frx/mhlr';
import type { Rng, RngState } from '@frx/tensor-utils';

import type { FaceConfig } from '../config/face-config';
import type { FaceHead, HeadState } from './face-head';

/** Where a tensor sits in `tensors.bin` (float32 elements). */
interface TensorEntry {
  shape: number[];
  offset: number;
}

/** `manifest.json` of a checkpoint folder. */
export interface CheckpointManifest {
  format: 'frx-face-checkpoint';
  version: 1;
  /** Optimizer steps done: the run continues with step `step`. */
  step: number;
  /** The run's configuration (the backbone is rebuilt from it). */
  config: FaceConfig;
  numClasses: number;
  /** Every backbone weight (trainable and BatchNorm statistics), in `model.weights` order. */
  backbone: (TensorEntry & { name: string })[];
  head: TensorEntry;
  /** Per-step state of the head (AdaCos scale, CurricularFace t); absent in checkpoints of older runs. */
  headState?: HeadState;
  /** Optimizer state with variables keyed by role (`backbone/<i>`, `head/weight`), slots in `tensors.bin`. */
  optimizer: {
    kind: string;
    learningRate: number;
    iterations: number;
    variables: Record<string, { steps: number; slots: Record<string, TensorEntry> }>;
  };
  scheduler: SchedulerJSON;
  /** Stream of the augmentation and Partial FC sampling. The data order is a function of (seed, step). */
  rng: RngState;
  /** Free-form run bookkeeping (best accuracy so far, …). */
  extra: Record<string, unknown>;
  savedAt: string;
}

/** Everything a checkpoint captures. */
export interface TrainingState {
  step: number;
  config: FaceConfig;
  model: tfl.LayersModel;
  head: FaceHead;
  optimizer: ScheduledOptimizer;
  scheduler: LrScheduler;
  rng: Rng;
  extra: Record<string, unknown>;
}

/** Thrown for a missing or damaged checkpoint; names the folder and the field. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

const STEP_DIR = /^step-(\d+)$/;

/** `step-000120`. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** Role of each variable the optimizer may hold state for. */
function variableRoles(model: tfl.LayersModel, head: FaceHead): Map<string, string> {
  const roles = new Map<string, string>();
  model.weights.forEach((w, i) => roles.set((w.read() as tf.Variable).name, `backbone/${i}`));
  roles.set(head.weight.name, 'head/weight');
  return roles;
}

class TensorWriter {
  private readonly chunks: Float32Array[] = [];
  private length = 0;

  add(values: ArrayLike<number>, shape: number[]): TensorEntry {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    const entry = { shape, offset: this.length };
    this.chunks.push(data);
    this.length += data.length;
    return entry;
  }

  bytes(): Uint8Array {
    const out = new Float32Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return new Uint8Array(out.buffer);
  }
}

/**
 * Writes a checkpoint folder `<root>/step-NNNNNN/` (`manifest.json` + `tensors.bin`) atomically: into a
 * temporary folder first, renamed into place only when complete, so a run killed at any point leaves the
 * previous checkpoints intact. Then deletes all but the newest `keep` checkpoints.
 *
 * @returns the checkpoint folder.
 */
export async function saveCheckpoint(root: string, state: TrainingState, keep: number): Promise<string> {
  const writer = new TensorWriter();
  const backbone = state.model.weights.map((w) => {
    const value = w.read();
    const entry = { name: w.originalName, ...writer.add(value.dataSync(), value.shape.slice()) };
    return entry;
  });
  const head = writer.add(state.head.weight.dataSync(), state.head.weight.shape.slice());
  const roles = variableRoles(state.model, state.head);
  const optimizerState: OptimizerState = state.optimizer.getState();
  const variables: CheckpointManifest['optimizer']['variables'] = {};
  for (const [name, saved] of Object.entries(optimizerState.variables)) {
    const role = roles.get(name);
    if (role === undefined) throw new CheckpointError(`optimizer holds state for unknown variable '${name}'`);
    const slots: Record<string, TensorEntry> = {};
    for (const [slot, value] of Object.entries(saved.slots))
      slots[slot] = writer.add(value.values, value.shape);
    variables[role] = { steps: saved.steps, slots };
  }
  const manifest: CheckpointManifest = {
    format: 'frx-face-checkpoint',
    version: 1,
    step: state.step,
    config: state.config,
    numClasses: state.head.numClasses,
    backbone,
    head,
    headState: state.head.getState(),
    optimizer: {
      kind: optimizerState.kind,
      learningRate: optimizerState.learningRate,
      iterations: optimizerState.iterations,
      variables,
    },
    scheduler: state.scheduler.toJSON(),
    rng: state.rng.getState(),
    extra: state.extra,
    savedAt: new Date().toISOString(),
  };
  await mkdir(root, { recursive: true });
  const final = join(root, checkpointName(state.step));
  const temp = join(root, `.tmp-${checkpointName(state.step)}-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  await writeFile(join(temp, 'tensors.bin'), writer.bytes());
  await writeFile(join(temp, 'manifest.json'), JSON.stringify(manifest));
  await rm(final, { recursive: true, force: true });
  await rename(temp, final);
  const all = await listCheckpoints(root);
  for (const old of all.slice(0, Math.max(0, all.length - keep)))
    await rm(old.path, { recursive: true, force: true });
  return final;
}

/** Complete checkpoints under `root`, oldest first (temporary folders of interrupted saves are ignored). */
export async function listCheckpoints(root: string): Promise<{ step: number; path: string }[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ match: STEP_DIR.exec(name), name }))
    .filter((e) => e.match !== null)
    .map((e) => ({ step: Number(e.match![1]), path: join(root, e.name) }))
    .sort((a, b) => a.step - b.step);
}

/** A checkpoint read from disk. */
export interface LoadedCheckpoint {
  path: string;
  manifest: CheckpointManifest;
  tensors: Float32Array;
}

/** Float32 elements `tensors.bin` must hold: the end of the furthest tensor the manifest lists. */
function tensorsEnd(manifest: CheckpointManifest): number {
  const entries: TensorEntry[] = [...manifest.backbone, manifest.head];
  for (const v of Object.values(manifest.optimizer.variables)) entries.push(...Object.values(v.slots));
  return entries.reduce((end, e) => Math.max(end, e.offset + e.shape.reduce((a, b) => a * b, 1)), 0);
}

/**
 * Reads `manifest.json` and `tensors.bin` of a checkpoint folder and checks them: the manifest's format,
 * and that `tensors.bin` holds exactly the bytes the manifest describes (a truncated file is named).
 *
 * @throws CheckpointError naming the file at fault.
 */
export async function readCheckpoint(path: string): Promise<LoadedCheckpoint> {
  let manifest: CheckpointManifest;
  let bytes: Buffer;
  try {
    manifest = JSON.parse(await readFile(join(path, 'manifest.json'), 'utf8')) as CheckpointManifest;
    bytes = await readFile(join(path, 'tensors.bin'));
  } catch (error) {
    throw new CheckpointError(`${path}: not a readable checkpoint folder (${(error as Error).message})`);
  }
  if (manifest.format !== 'frx-face-checkpoint' || manifest.version !== 1) {
    throw new CheckpointError(
      `${path}/manifest.json: format must be frx-face-checkpoint v1, got ${manifest.format} v${manifest.version}`,
    );
  }
  const needed = 4 * tensorsEnd(manifest);
  if (bytes.byteLength !== needed) {
    throw new CheckpointError(
      `${join(path, 'tensors.bin')}: ${bytes.byteLength} bytes, but manifest.json describes ${needed} ` +
        `(${bytes.byteLength < needed ? 'truncated: the file was cut short' : 'trailing bytes'}); ` +
        'this checkpoint cannot be used — resume from an earlier one',
    );
  }
  const tensors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { path, manifest, tensors };
}

function slice(checkpoint: LoadedCheckpoint, entry: TensorEntry, what: string): Float32Array {
  const size = entry.shape.reduce((a, b) => a * b, 1);
  if (entry.offset < 0 || entry.offset + size > checkpoint.tensors.length) {
    throw new CheckpointError(
      `${checkpoint.path}: ${what} [${entry.shape.join(', ')}] at ${entry.offset} lies outside tensors.bin`,
    );
  }
  return checkpoint.tensors.subarray(entry.offset, entry.offset + size);
}

/** Copies the backbone weights of a checkpoint into `model` (same architecture). */
export function restoreBackbone(checkpoint: LoadedCheckpoint, model: tfl.LayersModel): void {
  const { backbone } = checkpoint.manifest;
  if (backbone.length !== model.weights.length) {
    throw new CheckpointError(
      `${checkpoint.path}: ${backbone.length} backbone tensors for a model with ${model.weights.length} weights`,
    );
  }
  model.weights.forEach((w, i) => {
    const entry = backbone[i]!;
    if (entry.shape.join(',') !== w.shape.join(',')) {
      throw new CheckpointError(
        `${checkpoint.path}: backbone tensor ${i} (${entry.name}) is [${entry.shape.join(', ')}], model weight ${w.originalName} is [${w.shape.join(', ')}]`,
      );
    }
    const value = tf.tensor(slice(checkpoint, entry, entry.name), entry.shape);
    w.write(value);
    value.dispose();
  });
}

/**
 * Restores a whole training state from a checkpoint: backbone, head, optimizer slots, RNG. The scheduler is
 * rebuilt by the caller with `restoreScheduler(manifest.scheduler)` of `@frx/mhlr`.
 */
export function restoreTrainingState(
  checkpoint: LoadedCheckpoint,
  target: Pick<TrainingState, 'model' | 'head' | 'optimizer' | 'rng'>,
): void {
  const { manifest } = checkpoint;
  restoreBackbone(checkpoint, target.model);
  if (manifest.head.shape.join(',') !== target.head.weight.shape.join(',')) {
    throw new CheckpointError(
      `${checkpoint.path}: head is [${manifest.head.shape.join(', ')}], the run's head is [${target.head.weight.shape.join(', ')}]`,
    );
  }
  const head = tf.tensor2d(slice(checkpoint, manifest.head, 'head'), manifest.head.shape as [number, number]);
  target.head.weight.assign(head);
  head.dispose();
  try {
    target.head.setState(manifest.headState ?? {});
  } catch (error) {
    throw new CheckpointError(`${checkpoint.path}/manifest.json: headState: ${(error as Error).message}`);
  }
  const names = new Map<string, string>();
  for (const [name, role] of variableRoles(target.model, target.head)) names.set(role, name);
  const variables: OptimizerState['variables'] = {};
  for (const [role, saved] of Object.entries(manifest.optimizer.variables)) {
    const name = names.get(role);
    if (name === undefined)
      throw new CheckpointError(`${checkpoint.path}: optimizer state for unknown role '${role}'`);
    const slots: OptimizerState['variables'][string]['slots'] = {};
    for (const [slot, entry] of Object.entries(saved.slots)) {
      slots[slot] = { shape: entry.shape, values: Array.from(slice(checkpoint, entry, `${role}.${slot}`)) };
    }
    variables[name] = { steps: saved.steps, slots };
  }
  target.optimizer.setState({
    kind: manifest.optimizer.kind,
    version: 1,
    learningRate: manifest.optimizer.learningRate,
    iterations: manifest.optimizer.iterations,
    variables,
  });
  target.rng.setState(manifest.rng);
}

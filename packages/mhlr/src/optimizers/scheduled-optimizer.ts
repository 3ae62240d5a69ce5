import * as tf from '@tensorflow/tfjs-core';

import { InvalidOptionError, InvalidStateError } from '../errors';
import { finiteNumber, show } from '../internal/validate';
import { globalNormClipCoefficient } from './clip-grad-norm';
import type { VariableFilter } from './variable-filter';

/** Options every optimizer of this package accepts. */
export interface ScheduledOptimizerOptions {
  /** Learning rate, >= 0; change it any time with `setLearningRate`. Required. */
  learningRate: number;
  /**
   * Weight decay factor. Coupled (`g ← g + wd·w`, PyTorch `weight_decay`) for SGD, Adam and RMSprop;
   * decoupled (`w ← w·(1 − lr·wd)`) for AdamW. Default `0` (AdamW: `1e-2`).
   */
  weightDecay?: number;
  /** Which variables get weight decay (`true` = decay). Default: all. See {@link excludeBiasAndNorm}. */
  weightDecayFilter?: VariableFilter;
  /** Clip the gradients to this global L2 norm before the update (PyTorch `clip_grad_norm_`). Default: no clipping. */
  clipGradNorm?: number;
  /** Which variables' gradients take part in clipping (FastFace: the backbone only). Default: all. */
  clipFilter?: VariableFilter;
}

/** A slot tensor in JSON-friendly form. */
export interface SlotState {
  shape: number[];
  values: number[];
}

/** The full optimizer state, keyed by variable name; survives `JSON.stringify`. */
export interface OptimizerState {
  /** The optimizer class name, e.g. `'AdamW'`. */
  kind: string;
  version: number;
  learningRate: number;
  /** Calls of `applyGradients` so far. */
  iterations: number;
  /** Per variable: its own update count (Adam bias correction) and slot tensors (moments, buffers). */
  variables: Record<string, { steps: number; slots: Record<string, SlotState> }>;
}

/** Per-variable state the update rules read and write. */
export interface VariableSlots {
  /** Updates of this variable including the current one (1 on its first update). */
  readonly steps: number;
  /** The slot variable, or `undefined` before it is first set. */
  get(slot: string): tf.Variable | undefined;
  /** Creates the slot from `value` on first use, assigns it afterwards. */
  set(slot: string, value: tf.Tensor): void;
}

interface Entry {
  steps: number;
  slots: Map<string, tf.Variable>;
}

const BASE_KEYS = ['learningRate', 'weightDecay', 'weightDecayFilter', 'clipGradNorm', 'clipFilter'] as const;

/**
 * Base of this package's optimizers: a `tf.Optimizer` (so `model.compile({ optimizer })` and
 * `model.fit` work) whose learning rate can be changed at any step, with optional coupled or decoupled
 * weight decay on a chosen variable set, optional global-norm gradient clipping on a chosen subset, and
 * state keyed by **variable name** (tfjs's own optimizers key it by position in the gradient list) that
 * can be saved to JSON and restored.
 *
 * Subclasses implement one update rule in `updateVariable`, which runs inside `tf.tidy`.
 */
export abstract class ScheduledOptimizer extends tf.Optimizer {
  protected lr: number;
  protected readonly weightDecay: number;
  private readonly weightDecayFilter: VariableFilter | null;
  private readonly clipGradNorm: number | null;
  private readonly clipFilter: VariableFilter | null;
  private readonly entries = new Map<string, Entry>();

  protected constructor(
    owner: string,
    options: ScheduledOptimizerOptions,
    ownKeys: readonly string[],
    defaultWeightDecay = 0,
  ) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new InvalidOptionError(owner, '(options)', `must be an object, got ${show(options)}`);
    }
    const allowed = [...BASE_KEYS, ...ownKeys];
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) {
        throw new InvalidOptionError(owner, key, `is not a known option (known: ${allowed.join(', ')})`);
      }
    }
    this.lr = finiteNumber(owner, 'learningRate', options.learningRate, undefined, { min: 0 });
    this.weightDecay = finiteNumber(owner, 'weightDecay', options.weightDecay, defaultWeightDecay, {
      min: 0,
    });
    this.weightDecayFilter = checkFilter(owner, 'weightDecayFilter', options.weightDecayFilter);
    this.clipGradNorm =
      options.clipGradNorm === undefined
        ? null
        : finiteNumber(owner, 'clipGradNorm', options.clipGradNorm, undefined, {
            min: 0,
            minExclusive: true,
          });
    this.clipFilter = checkFilter(owner, 'clipFilter', options.clipFilter);
  }

  /**
   * One update of `variable` with gradient `gradient` (already clipped). Runs inside `tf.tidy`; write
   * the new value with `variable.assign` and the slots with `slots.set`.
   */
  protected abstract updateVariable(
    variable: tf.Variable,
    gradient: tf.Tensor,
    slots: VariableSlots,
    decay: boolean,
  ): void;

  /** Subclass options for `getConfig`. */
  protected abstract ownConfig(): tf.serialization.ConfigDict;

  /** The current learning rate. */
  get learningRate(): number {
    return this.lr;
  }

  /**
   * Sets the learning rate used from the next `applyGradients` on. Momentum buffers and moments are kept
   * as they are (PyTorch semantics: no rescaling).
   * @param learningRate The new rate, a finite number >= 0.
   */
  setLearningRate(learningRate: number): void {
    this.lr = finiteNumber(this.getClassName(), 'learningRate', learningRate, undefined, { min: 0 });
  }

  override applyGradients(
    variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[],
  ): void {
    const pairs: [string, tf.Tensor | null][] = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor])
      : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    const items: { name: string; variable: tf.Variable; gradient: tf.Tensor }[] = [];
    for (const [name, gradient] of pairs) {
      if (gradient == null) continue;
      const variable = registered[name];
      if (variable === undefined) {
        throw new Error(`${this.getClassName()}.applyGradients: no variable named '${name}' is registered`);
      }
      if (!variable.trainable) continue;
      items.push({ name, variable, gradient });
    }
    tf.tidy(() => {
      let coefficient: tf.Scalar | null = null;
      const clipped = new Set<string>();
      if (this.clipGradNorm !== null) {
        for (const { name, variable } of items) {
          if (this.clipFilter === null || this.clipFilter(name, variable)) clipped.add(name);
        }
        const chosen = items.filter((it) => clipped.has(it.name)).map((it) => it.gradient);
        coefficient = globalNormClipCoefficient(chosen, this.clipGradNorm).coefficient;
      }
      for (const { name, variable, gradient } of items) {
        const g = coefficient !== null && clipped.has(name) ? tf.mul(gradient, coefficient) : gradient;
        const entry = this.entryFor(name);
        entry.steps++;
        const decay =
          this.weightDecay > 0 && (this.weightDecayFilter === null || this.weightDecayFilter(name, variable));
        this.updateVariable(variable, g, slotsOf(entry), decay);
      }
    });
    this.incrementIterations();
  }

  /**
   * The full state (learning rate, iteration count, every slot tensor by variable name) as plain JSON.
   * Reads tensor data synchronously.
   *
   * @example
   * const saved = JSON.stringify(optimizer.getState());
   * other.setState(JSON.parse(saved)); // continues bit for bit
   */
  getState(): OptimizerState {
    const variables: OptimizerState['variables'] = {};
    for (const [name, entry] of this.entries) {
      const slots: Record<string, SlotState> = {};
      for (const [slot, v] of entry.slots)
        slots[slot] = { shape: v.shape.slice(), values: Array.from(v.dataSync()) };
      variables[name] = { steps: entry.steps, slots };
    }
    return {
      kind: this.getClassName(),
      version: 1,
      learningRate: this.lr,
      iterations: this.iterations,
      variables,
    };
  }

  /**
   * Replaces the whole state with one from {@link ScheduledOptimizer.getState} (of the same optimizer
   * class). Slots of variables that exist are checked against their shapes.
   *
   * @throws InvalidStateError naming the field at fault.
   */
  setState(state: OptimizerState): void {
    const owner = this.getClassName();
    if (state === null || typeof state !== 'object')
      throw new InvalidStateError(owner, '(root)', 'must be an object');
    if (state.kind !== owner)
      throw new InvalidStateError(owner, 'kind', `must be '${owner}', got ${JSON.stringify(state.kind)}`);
    if (state.version !== 1)
      throw new InvalidStateError(owner, 'version', `must be 1, got ${JSON.stringify(state.version)}`);
    if (!(typeof state.learningRate === 'number' && state.learningRate >= 0)) {
      throw new InvalidStateError(
        owner,
        'learningRate',
        `must be a number >= 0, got ${JSON.stringify(state.learningRate)}`,
      );
    }
    if (!Number.isSafeInteger(state.iterations) || state.iterations < 0) {
      throw new InvalidStateError(
        owner,
        'iterations',
        `must be an integer >= 0, got ${JSON.stringify(state.iterations)}`,
      );
    }
    const registered = tf.engine().registeredVariables;
    const restored = new Map<string, Entry>();
    try {
      for (const [name, saved] of Object.entries(state.variables ?? {})) {
        if (!Number.isSafeInteger(saved.steps) || saved.steps < 0) {
          throw new InvalidStateError(
            owner,
            `variables.${name}.steps`,
            `must be an integer >= 0, got ${saved.steps}`,
          );
        }
        const slots = new Map<string, tf.Variable>();
        restored.set(name, { steps: saved.steps, slots });
        for (const [slot, { shape, values }] of Object.entries(saved.slots ?? {})) {
          const field = `variables.${name}.slots.${slot}`;
          const size = shape.reduce((a, b) => a * b, 1);
          if (values.length !== size) {
            throw new InvalidStateError(
              owner,
              field,
              `has ${values.length} values for shape [${shape.join(', ')}]`,
            );
          }
          const target = registered[name];
          if (target !== undefined && target.shape.join(',') !== shape.join(',')) {
            throw new InvalidStateError(
              owner,
              field,
              `has shape [${shape.join(', ')}], variable has [${target.shape.join(', ')}]`,
            );
          }
          slots.set(
            slot,
            tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), false)),
          );
        }
      }
    } catch (error) {
      for (const entry of restored.values()) for (const v of entry.slots.values()) v.dispose();
      throw error;
    }
    this.disposeSlots();
    for (const [name, entry] of restored) this.entries.set(name, entry);
    this.lr = state.learningRate;
    this.iterations_ = state.iterations;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.lr,
      weightDecay: this.weightDecay,
      clipGradNorm: this.clipGradNorm,
      ...this.ownConfig(),
    };
  }

  /** Disposes every slot variable (moments, momentum buffers). */
  override dispose(): void {
    super.dispose();
    this.disposeSlots();
  }

  private disposeSlots(): void {
    for (const entry of this.entries.values()) for (const v of entry.slots.values()) v.dispose();
    this.entries.clear();
  }

  private entryFor(name: string): Entry {
    let entry = this.entries.get(name);
    if (entry === undefined) {
      entry = { steps: 0, slots: new Map() };
      this.entries.set(name, entry);
    }
    return entry;
  }
}

function slotsOf(entry: Entry): VariableSlots {
  return {
    steps: entry.steps,
    get: (slot) => entry.slots.get(slot),
    set: (slot, value) => {
      const existing = entry.slots.get(slot);
      if (existing === undefined) entry.slots.set(slot, tf.variable(value, false));
      else existing.assign(value);
    },
  };
}

function checkFilter(owner: string, name: string, value: unknown): VariableFilter | null {
  if (value === undefined) return null;
  if (typeof value !== 'function')
    throw new InvalidOptionError(owner, name, `must be a function, got ${show(value)}`);
  return value as VariableFilter;
}

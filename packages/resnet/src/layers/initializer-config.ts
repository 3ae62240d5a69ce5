import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers initializer instance. */
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** An initializer as it appears in a layer config: `{ className, config }`. */
export interface InitializerConfig {
  className: string;
  config: tf.serialization.ConfigDict;
}

/** Serialises an initializer the way tfjs-layers does in `getConfig()`. */
export function initializerToConfig(initializer: Initializer): InitializerConfig {
  return { className: initializer.getClassName(), config: initializer.getConfig() };
}

/**
 * Turns an initializer or its `{ className, config }` form back into an instance, through the
 * serialization registry of tfjs-core (tfjs-layers does not export its own `getInitializer`).
 */
export function initializerFromConfig(value: Initializer | InitializerConfig, owner: string): Initializer {
  if (value instanceof tf.serialization.Serializable) return value;
  const className = (value as InitializerConfig | null)?.className;
  const entry =
    className == null ? undefined : tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry == null) {
    throw new TypeError(`${owner}: unknown initializer ${JSON.stringify(className ?? value)}`);
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, value.config ?? {}) as Initializer;
}

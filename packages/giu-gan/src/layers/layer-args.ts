import type * as tfl from '@tensorflow/tfjs-layers';

/** tfjs-layers does not export `LayerArgs`; derived from the `Layer` constructor (tfjs-notes.md §3). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** The `kwargs` argument of `Layer.call`. */
export type CallKwargs = Parameters<tfl.layers.Layer['call']>[1];

/** The channel count (last axis) of an NHWC input shape, or an error naming the layer. */
export function channelsOf(owner: string, inputShape: tfl.Shape | tfl.Shape[]): number {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
  const channels = shape[shape.length - 1];
  if (typeof channels !== 'number') throw new Error(`${owner}: the channel dimension must be known`);
  return channels;
}

/** The first shape of a possibly nested list. */
export function singleShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
}

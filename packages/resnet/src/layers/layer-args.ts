/**
 * The constructor arguments every tfjs-layers layer accepts (`LayerArgs`), plus the two that tfjs-layers'
 * deserialisation (`fromConfig`) adds, so that a custom layer can reject anything else by name.
 */
const TFJS_LAYER_ARG_KEYS = [
  'name',
  'trainable',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'weights',
  'inputDType',
  'customObjects',
  'fastWeightInit',
] as const;

/**
 * Throws a `TypeError` naming the first option of `args` that is neither one of the layer's own (`own`) nor a
 * tfjs-layers base argument: a typo would otherwise be ignored silently.
 *
 * @param owner the layer's name, for the message.
 */
export function rejectUnknownLayerArgs(owner: string, args: object, own: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!own.includes(key) && !(TFJS_LAYER_ARG_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`${owner}: unknown option '${key}'`);
    }
  }
}

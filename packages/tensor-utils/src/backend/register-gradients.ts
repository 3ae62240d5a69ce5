import * as tf from '@tensorflow/tfjs-core';

/** A kernel every gradient set registers: when it has a gradient, they all do. */
const PROBE_KERNEL = 'Sum';

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/**
 * The places tfjs' gradient functions can come from, in the order tried.
 *
 * - Under Node, `@tensorflow/tfjs-layers` resolves to its CommonJS build, which registers every
 *   gradient in the global registry that all tfjs-core copies share. It is an optional peer, so it is
 *   imported through a variable specifier that bundlers leave alone (a literal would make a browser
 *   app that does not install tfjs-layers fail to build).
 * - In a bundled app (Vite, webpack, esbuild) tfjs-core's own `register_all_gradients` module does it.
 *   Its specifier must be a literal so the bundler follows it and puts the gradients in the bundle;
 *   Node cannot import it (tfjs-core's ESM uses extensionless imports), which is why it comes second.
 */
const GRADIENT_SOURCES: readonly { specifier: string; load: () => Promise<unknown> }[] = [
  {
    specifier: '@tensorflow/tfjs-layers',
    load: () => {
      const specifier = '@tensorflow/tfjs-layers';
      return import(/* @vite-ignore */ specifier);
    },
  },
  {
    specifier: '@tensorflow/tfjs-core/dist/register_all_gradients',
    load: () => import('@tensorflow/tfjs-core/dist/register_all_gradients'),
  },
];

/**
 * Imports the sources of tfjs' gradient functions until they are registered (see
 * {@link GRADIENT_SOURCES} for why each one and in which order).
 *
 * @returns `true` when the gradients are registered, and the reason each source tried failed.
 */
export async function registerGradientSources(): Promise<{ registered: boolean; failures: string[] }> {
  const failures: string[] = [];
  for (const source of GRADIENT_SOURCES) {
    if (tf.getGradient(PROBE_KERNEL)) break;
    try {
      await source.load();
    } catch (error) {
      failures.push(`${source.specifier}: ${firstLine(error)}`);
    }
  }
  return { registered: tf.getGradient(PROBE_KERNEL) !== undefined, failures };
}

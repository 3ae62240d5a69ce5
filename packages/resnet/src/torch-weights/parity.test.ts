import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readTorchCheckpoint } from '@frx/data-readers';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { describe, expect, it } from 'vitest';

import { iresnet } from '../iresnet/iresnet';
import { mobileFaceNet } from '../mobile-face-net/mobile-face-net';
import { loadTorchWeights, type TorchStateTensor } from './load-torch-weights';

// Golden values from PyTorch 1.13 (scripts/make-parity-fixture.py), stored in tfjs layout.
interface Entry {
  shape: number[];
  values: number[];
}
interface Fixture {
  input: Entry;
  eval: { embedding: Entry; activations: Record<string, Entry> };
  train: {
    probe: Entry;
    embedding: Entry;
    gradients: Record<string, Entry>;
    runningStats: Record<string, Entry>;
  };
}

const fixtureDir = new URL('../../test/fixtures/', import.meta.url);
const readFixture = (name: string) => ({
  json: JSON.parse(readFileSync(new URL(`${name}.json`, fixtureDir), 'utf8')) as Fixture,
  stateDict: readTorchCheckpoint(
    new Uint8Array(readFileSync(fileURLToPath(new URL(`${name}.pth`, fixtureDir)))),
  ),
});
const tensorOf = (e: Entry) => tf.tensor(e.values, e.shape);

/** tfjs layer name → the tfjs weight that a PyTorch parameter name maps to. */
function weightFor(model: tfl.LayersModel, torchName: string): tfl.LayerVariable {
  const dot = torchName.lastIndexOf('.');
  const layer = model.getLayer(torchName.slice(0, dot));
  const param = torchName.slice(dot + 1);
  const suffix: Record<string, string> = {
    weight:
      layer.getClassName() === 'FrxTorchBatchNorm'
        ? 'gamma'
        : layer.getClassName() === 'PReLU'
          ? 'alpha'
          : 'kernel',
    bias: layer.getClassName() === 'FrxTorchBatchNorm' ? 'beta' : 'bias',
    running_mean: 'moving_mean',
    running_var: 'moving_variance',
  };
  const found = layer.weights.find((w) => w.originalName.endsWith(`/${suffix[param]}`));
  if (!found) throw new Error(`no tfjs weight for ${torchName}`);
  return found;
}

const RTOL = 1e-4;

const cases: { name: string; build: () => tfl.LayersModel; activationLayer: (a: string) => string }[] = [
  {
    name: 'iresnet18-w0.0625-s32',
    build: () => iresnet({ depth: 18, inputSize: 32, widthMultiplier: 1 / 16, embeddingSize: 16 }),
    // PyTorch's `layerN` module output is the last block's addition.
    activationLayer: (a) => `${a}.1.add`,
  },
  {
    name: 'mbf-w0.125-s32',
    build: () => mobileFaceNet({ inputSize: 32, widthMultiplier: 1 / 8, embeddingSize: 16 }),
    activationLayer: (a) => (a === 'conv_sep' ? 'conv_sep.layers.2' : 'layers.5.layers.5.add'),
  },
];

describe.each(['cpu', testBackend()] as const)('PyTorch parity on %s', (backend) => {
  describe.each(cases)('$name', ({ name, build, activationLayer }) => {
    it('eval mode: embedding and intermediate activations match PyTorch within 1e-4', async () => {
      await initBackend({ backend });
      const { json, stateDict } = readFixture(name);
      const model = build();
      const result = loadTorchWeights(model, stateDict);
      expect(result.missing).toEqual([]);
      expect(result.unexpected).toEqual([]);
      const names = Object.keys(json.eval.activations);
      const probe = tfl.model({
        inputs: model.inputs,
        outputs: [
          ...names.map((a) => model.getLayer(activationLayer(a)).output as tfl.SymbolicTensor),
          model.outputs[0]!,
        ],
      });
      const x = tensorOf(json.input);
      const outputs = probe.predict(x) as tf.Tensor[];
      names.forEach((a, i) =>
        expectTensorsClose(outputs[i]!, tensorOf(json.eval.activations[a]!), {
          rtol: RTOL,
          atol: 1e-5,
          label: a,
        }),
      );
      expectTensorsClose(outputs[names.length]!, tensorOf(json.eval.embedding), {
        rtol: RTOL,
        atol: 1e-5,
        label: 'embedding',
      });
      tf.dispose([x, outputs]);
      model.dispose();
    });

    it('train mode: embedding, gradients of sum(embedding * probe) and BN running statistics match PyTorch', async () => {
      await initBackend({ backend });
      const { json, stateDict } = readFixture(name);
      const model = build();
      loadTorchWeights(model, stateDict);
      const x = tensorOf(json.input);
      const probe = tensorOf(json.train.probe);
      const gradNames = Object.keys(json.train.gradients);
      const variables = gradNames.map((n) => weightFor(model, n).read() as tf.Variable);
      let embedding: tf.Tensor | null = null;
      const { grads } = tf.variableGrads(() => {
        const y = model.apply(x, { training: true }) as tf.Tensor;
        embedding = tf.keep(y.clone());
        return tf.sum<tf.Scalar>(tf.mul(y, probe));
      }, variables);
      // The batch-statistics BatchNorm1d at the end divides by a 4-sample standard deviation, which
      // amplifies float32 reordering noise: allow 1e-4 of the embedding's largest magnitude as well.
      const embeddingScale = Math.max(...json.train.embedding.values.map(Math.abs));
      expectTensorsClose(embedding!, tensorOf(json.train.embedding), {
        rtol: RTOL,
        atol: RTOL * embeddingScale,
        label: 'train embedding',
      });
      gradNames.forEach((n, i) => {
        const expected = tensorOf(json.train.gradients[n]!);
        // Gradients summed over many terms: relative 1e-4 of the largest entry.
        const scale = Math.max(...json.train.gradients[n]!.values.map(Math.abs));
        expectTensorsClose(tf.reshape(grads[variables[i]!.name]!, expected.shape), expected, {
          rtol: RTOL,
          atol: 1e-4 * scale,
          label: `grad ${n}`,
        });
      });
      for (const [n, e] of Object.entries(json.train.runningStats)) {
        expectTensorsClose(weightFor(model, n).read(), tensorOf(e), { rtol: RTOL, atol: 1e-6, label: n });
      }
      tf.dispose([x, probe, embedding!, grads]);
      model.dispose();
    });
  });
});

describe('loadTorchWeights', () => {
  const build = () => iresnet({ depth: 18, inputSize: 32, widthMultiplier: 1 / 16, embeddingSize: 16 });

  it('strict mode names missing and unexpected keys and writes nothing', async () => {
    await initBackend({ backend: testBackend() });
    const { stateDict } = readFixture('iresnet18-w0.0625-s32');
    const partial = new Map(stateDict);
    partial.delete('layer2.1.conv1.weight');
    partial.delete('fc.bias');
    partial.set('head.weight', stateDict.get('fc.bias')!);
    const model = build();
    const before = model.getLayer('conv1').getWeights()[0]!.dataSync().slice();
    expect(() => loadTorchWeights(model, partial)).toThrow(
      /missing key\(s\): layer2\.1\.conv1\.weight, fc\.bias; unexpected key\(s\): head\.weight/,
    );
    expect(model.getLayer('conv1').getWeights()[0]!.dataSync()).toEqual(before);
    const report = loadTorchWeights(model, partial, { strict: false });
    expect(report.missing).toEqual(['layer2.1.conv1.weight', 'fc.bias']);
    expect(report.unexpected).toEqual(['head.weight']);
    expect(report.ignored).toContain('layer1.0.bn1.num_batches_tracked');
    model.dispose();
  });

  it('strips a DataParallel `module.` prefix, rejects shape mismatches and unknown options', async () => {
    await initBackend({ backend: testBackend() });
    const { stateDict } = readFixture('iresnet18-w0.0625-s32');
    const model = build();
    const prefixed = new Map([...stateDict].map(([k, v]) => [`module.${k}`, v]));
    expect(loadTorchWeights(model, prefixed).missing).toEqual([]);

    const wrong = new Map<string, TorchStateTensor>(stateDict);
    wrong.set('conv1.weight', { shape: [4, 3, 5, 5], data: new Float32Array(300) });
    expect(() => loadTorchWeights(model, wrong)).toThrow(
      /'conv1\.weight' has shape \[4, 3, 5, 5\], the model expects \[4, 3, 3, 3\]/,
    );
    expect(() => loadTorchWeights(model, stateDict, { strickt: true } as never)).toThrow(
      /unknown option 'strickt'/,
    );
    model.dispose();
  });

  it('leaves no tensors behind', async () => {
    await initBackend({ backend: testBackend() });
    const { stateDict } = readFixture('mbf-w0.125-s32');
    const model = mobileFaceNet({ inputSize: 32, widthMultiplier: 1 / 8, embeddingSize: 16 });
    loadTorchWeights(model, stateDict);
    const { newTensors } = await countNewTensors(() => loadTorchWeights(model, stateDict));
    expect(newTensors).toBe(0);
    model.dispose();
  });
});

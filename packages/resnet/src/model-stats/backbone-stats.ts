import { resolveIResNetOptions, type IResNetOptions } from '../iresnet/iresnet';
import { resolveMobileFaceNetOptions, type MobileFaceNetOptions } from '../mobile-face-net/mobile-face-net';
import type { ModelStats } from './model-stats';

/** Accumulates conv / BN / PReLU / dense costs of a network described layer by layer. */
class Tally {
  parameters = 0;
  frozen = 0;
  multiplyAccumulates = 0;
  /** A bias-free conv producing an `outSize`² map. */
  conv(inC: number, outC: number, k: number, outSize: number, groups = 1): void {
    const weights = k * k * (inC / groups) * outC;
    this.parameters += weights;
    this.multiplyAccumulates += weights * outSize * outSize;
  }
  bn(c: number, frozenScale = false): void {
    this.parameters += 2 * c;
    if (frozenScale) this.frozen += c;
  }
  prelu(c: number): void {
    this.parameters += c;
  }
  dense(inputs: number, units: number, bias: boolean): void {
    this.parameters += inputs * units + (bias ? units : 0);
    this.multiplyAccumulates += inputs * units;
  }
  result(): ModelStats {
    return {
      parameters: this.parameters,
      trainableParameters: this.parameters - this.frozen,
      multiplyAccumulates: this.multiplyAccumulates,
    };
  }
}

/**
 * Parameters and multiply-accumulates of an IResNet, computed from its configuration without
 * building it (cheap even for r200). Matches {@link modelStats} of the built model.
 *
 * @param options as for {@link iresnet}.
 * @example iresnetStats({ depth: 50 }); // { parameters: 43_590_848, trainableParameters: 43_590_336, multiplyAccumulates: ≈6.31e9 }
 */
export function iresnetStats(options: IResNetOptions): ModelStats {
  const { inputSize, embeddingSize, stageWidths, blocks } = resolveIResNetOptions(options);
  const t = new Tally();
  let size = inputSize;
  t.conv(3, stageWidths[0], 3, size);
  t.bn(stageWidths[0]);
  t.prelu(stageWidths[0]);
  let inplanes = stageWidths[0];
  for (let stage = 0; stage < 4; stage++) {
    const planes = stageWidths[stage]!;
    for (let block = 0; block < blocks[stage]!; block++) {
      const stride = block === 0 ? 2 : 1;
      t.bn(inplanes);
      t.conv(inplanes, planes, 3, size);
      t.bn(planes);
      t.prelu(planes);
      size /= stride;
      t.conv(planes, planes, 3, size);
      t.bn(planes);
      if (stride !== 1 || inplanes !== planes) {
        t.conv(inplanes, planes, 1, size);
        t.bn(planes);
      }
      inplanes = planes;
    }
  }
  t.bn(inplanes);
  t.dense(size * size * inplanes, embeddingSize, true);
  t.bn(embeddingSize, true);
  return t.result();
}

/**
 * Parameters and multiply-accumulates of a MobileFaceNet, computed from its configuration without
 * building it. Matches {@link modelStats} of the built model.
 *
 * @param options as for {@link mobileFaceNet}.
 * @example mobileFaceNetStats().parameters; // 2_059_520
 */
export function mobileFaceNetStats(options: MobileFaceNetOptions = {}): ModelStats {
  const { inputSize, embeddingSize, blocks, scale, unit } = resolveMobileFaceNetOptions(options);
  const t = new Tally();
  let size = inputSize / 2;
  const convBlock = (inC: number, outC: number, k: number, groups = 1) => {
    t.conv(inC, outC, k, size, groups);
    t.bn(outC);
    t.prelu(outC);
  };
  const depthWise = (inC: number, outC: number, g: number, stride: number) => {
    convBlock(inC, g, 1);
    size /= stride;
    convBlock(g, g, 3, g);
    t.conv(g, outC, 1, size);
    t.bn(outC);
  };
  const residual = (c: number, n: number, g: number) => {
    for (let i = 0; i < n; i++) depthWise(c, c, g, 1);
  };
  const c1 = unit * scale;
  const c2 = 2 * unit * scale;
  convBlock(3, c1, 3);
  if (blocks[0] === 1) convBlock(c1, c1, 3, unit);
  else residual(c1, blocks[0], 2 * unit);
  depthWise(c1, c1, 2 * unit, 2);
  residual(c1, blocks[1], 2 * unit);
  depthWise(c1, c2, 4 * unit, 2);
  residual(c2, blocks[2], 4 * unit);
  depthWise(c2, c2, 8 * unit, 2);
  residual(c2, blocks[3], 4 * unit);
  const sep = 8 * unit;
  convBlock(c2, sep, 1);
  t.conv(sep, sep, size, 1, sep);
  t.bn(sep);
  t.dense(sep, embeddingSize, false);
  t.bn(embeddingSize);
  return t.result();
}

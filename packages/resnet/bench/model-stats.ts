/**
 * Prints the parameter and multiply-accumulate counts of every IResNet and MobileFaceNet preset at
 * 112×112, one JSON line each, next to the figures of the project reference (iresnet.md §2, §5).
 * Run: `pnpm stats` (in packages/resnet). Needs no backend: counts come from the configuration.
 */
import { iresnetStats, mobileFaceNetStats } from '../src/model-stats/backbone-stats';

const reference: Record<string, { parameters: number; gmacs: number }> = {
  iresnet18: { parameters: 24_025_600, gmacs: 2.61 },
  iresnet34: { parameters: 34_139_328, gmacs: 4.46 },
  iresnet50: { parameters: 43_590_848, gmacs: 6.31 },
  iresnet100: { parameters: 65_156_160, gmacs: 12.09 },
  iresnet200: { parameters: 118_833_920, gmacs: 23.42 },
  mbf: { parameters: 2_059_520, gmacs: 0.44 },
  mbf_large: { parameters: 6_314_880, gmacs: 1.82 },
};

const rows = [
  ...([18, 34, 50, 100, 200] as const).map((depth) => [`iresnet${depth}`, iresnetStats({ depth })] as const),
  ...(['mbf', 'mbf_large'] as const).map((variant) => [variant, mobileFaceNetStats({ variant })] as const),
];
for (const [model, stats] of rows) {
  const ref = reference[model]!;
  console.log(
    JSON.stringify({
      model,
      inputSize: 112,
      parameters: stats.parameters,
      trainableParameters: stats.trainableParameters,
      gmacs: Number((stats.multiplyAccumulates / 1e9).toFixed(3)),
      referenceParameters: ref.parameters,
      referenceGmacs: ref.gmacs,
      matchesReference:
        stats.parameters === ref.parameters && Math.abs(stats.multiplyAccumulates / 1e9 - ref.gmacs) < 0.005,
    }),
  );
}

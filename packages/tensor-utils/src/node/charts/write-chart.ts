import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { ChartError } from '../../charts/chart-error';
import { chartSvgToPng, type RasterizeChartOptions } from '../../charts/rasterize-chart-svg';

/**
 * Writes a chart twice: the SVG as given to `svgFile`, and its PNG ({@link chartSvgToPng}) beside it with the
 * `.png` extension, for viewers and pages that show no SVG. Creates the folder.
 *
 * @param svgFile - the SVG's path; must end in `.svg`.
 * @param svg - the chart, in the subset {@link rasterizeChartSvg} draws.
 * @returns both paths.
 * @throws {ChartError} when `svgFile` does not end in `.svg` or the SVG is outside the subset (nothing is written).
 * @example
 * ```ts
 * await writeChart('runs/a/charts/loss.svg', lineChartSvg(series, { title: 'loss', xLabel: 'step', yLabel: 'loss' }));
 * ```
 */
export async function writeChart(
  svgFile: string,
  svg: string,
  options: RasterizeChartOptions = {},
): Promise<{ svg: string; png: string }> {
  if (!svgFile.endsWith('.svg'))
    throw new ChartError(`writeChart: ${JSON.stringify(svgFile)} does not end in .svg`);
  const pngFile = `${svgFile.slice(0, -4)}.png`;
  const png = await chartSvgToPng(svg, options); // first, so a chart outside the subset writes nothing
  await mkdir(dirname(svgFile), { recursive: true });
  await writeFile(svgFile, svg);
  await writeFile(pngFile, png);
  return { svg: svgFile, png: pngFile };
}

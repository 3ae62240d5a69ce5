import type { MethodResult } from './pipeline';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A two-panel bar chart: test accuracy and inference seconds per 1000 series (log scale) for each method.
 *
 * @param dataset - title.
 * @param results - the pipeline's rows.
 * @returns an SVG document.
 */
export function renderResultsSvg(dataset: string, results: readonly MethodResult[]): string {
  const rowHeight = 26;
  const labelWidth = 190;
  const panelWidth = 300;
  const top = 50;
  const height = top + results.length * rowHeight + 40;
  const width = labelWidth + 2 * panelWidth + 60;
  const minAcc = Math.min(0.5, ...results.map((r) => r.accuracy));
  const times = results.map((r) => Math.max(r.inferenceSecondsPer1000, 1e-4));
  const logMin = Math.floor(Math.log10(Math.min(...times)));
  const logMax = Math.ceil(Math.log10(Math.max(...times))) + (times.length ? 0 : 1);
  const span = Math.max(1, logMax - logMin);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${escape(dataset)}: accuracy and inference time</text>`,
    `<text x="${labelWidth}" y="${top - 8}">test accuracy (axis from ${minAcc.toFixed(2)} to 1)</text>`,
    `<text x="${labelWidth + panelWidth + 30}" y="${top - 8}">inference s / 1000 series (log, 1e${logMin} to 1e${logMax})</text>`,
  ];
  results.forEach((r, i) => {
    const y = top + i * rowHeight;
    const accWidth = ((r.accuracy - minAcc) / (1 - minAcc || 1)) * panelWidth;
    const timeWidth = ((Math.log10(times[i]!) - logMin) / span) * panelWidth;
    parts.push(
      `<text x="10" y="${y + 16}">${escape(r.method)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(1, accWidth).toFixed(1)}" height="16" fill="#4878a8"/>`,
      `<text x="${labelWidth + Math.max(1, accWidth) + 4}" y="${y + 16}">${r.accuracy.toFixed(4)}</text>`,
      `<rect x="${labelWidth + panelWidth + 30}" y="${y + 4}" width="${Math.max(1, timeWidth).toFixed(1)}" height="16" fill="#d08040"/>`,
      `<text x="${labelWidth + panelWidth + 34 + Math.max(1, timeWidth)}" y="${y + 16}">${r.inferenceSecondsPer1000.toPrecision(3)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

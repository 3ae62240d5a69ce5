/** One curve of a {@link lineChartSvg}. */
export interface ChartSeries {
  name: string;
  /** `[x, y]` points; non-finite y values are skipped. */
  points: readonly (readonly [number, number])[];
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic y axis (learning rates). Default false. */
  logY?: boolean;
  /** Pixel size. Defaults 720 × 360. */
  width?: number;
  height?: number;
}

// matplotlib's tab10 (reordered), so up to ten series (the nine heads of the margins claim) stay distinct.
const COLOURS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function tick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-2 ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

/**
 * A self-contained SVG line chart (no dependencies): axes with 5 ticks, one polyline per series, a legend.
 * Used for the loss, learning-rate, detector and accuracy curves of a run; `chartSvgToPng` (or
 * `writeChart` of `@frx/tensor-utils/node`) turns it into a PNG.
 *
 * @example
 * const svg = lineChartSvg([{ name: 'loss', points: [[0, 9], [1, 7]] }], { title: 'loss', xLabel: 'step', yLabel: 'loss' });
 */
export function lineChartSvg(series: readonly ChartSeries[], options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const logY = options.logY ?? false;
  const left = 70;
  const right = 160;
  const top = 30;
  const bottom = 45;
  const ty = (y: number) => (logY ? Math.log10(y) : y);
  const usable = series.map((s) => ({
    name: s.name,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0)),
  }));
  const all = usable.flatMap((s) => s.points);
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => ty(p[1]))), Math.max(...all.map((p) => ty(p[1])))];
  if (all.length === 0) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * (width - left - right);
  const py = (y: number) => top + (1 - (ty(y) - y0) / (y1 - y0)) * (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escape(options.title)}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="black"/>`,
    `<text x="${(left + width - right) / 2}" y="${height - 8}" text-anchor="middle">${escape(options.xLabel)}</text>`,
    `<text x="14" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(top + height - bottom) / 2})">${escape(options.yLabel)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const xv = x0 + ((x1 - x0) * k) / 4;
    const yt = y0 + ((y1 - y0) * k) / 4;
    const yv = logY ? 10 ** yt : yt;
    parts.push(
      `<text x="${px(xv)}" y="${height - bottom + 15}" text-anchor="middle">${tick(xv)}</text>`,
      `<text x="${left - 5}" y="${py(yv) + 4}" text-anchor="end">${tick(yv)}</text>`,
      `<line x1="${left}" y1="${py(yv)}" x2="${width - right}" y2="${py(yv)}" stroke="#eee"/>`,
    );
  }
  usable.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const d = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    if (s.points.length > 0)
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${d}"/>`);
    const ly = top + 14 * i + 6;
    parts.push(
      `<line x1="${width - right + 10}" y1="${ly}" x2="${width - right + 30}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${width - right + 35}" y="${ly + 4}">${escape(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Trailing moving average over `window` points (for noisy per-step losses). */
export function smooth(points: readonly (readonly [number, number])[], window: number): [number, number][] {
  const out: [number, number][] = [];
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += points[i]![1];
    if (i >= window) sum -= points[i - window]![1];
    out.push([points[i]![0], sum / Math.min(i + 1, window)]);
  }
  return out;
}

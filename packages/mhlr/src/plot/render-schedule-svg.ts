import type { ScheduleTrace } from './trace-schedule';

/** Options of {@link renderScheduleSvg}. */
export interface RenderScheduleSvgOptions {
  /** Title above the plot. Default `'Learning-rate schedule'`. */
  title?: string;
  /** Width in pixels. Default `960`. */
  width?: number;
  /** Height of each of the three panels in pixels. Default `200`. */
  panelHeight?: number;
  /** Most points drawn per series (longer logs are decimated by min/max buckets). Default `2000`. */
  maxPoints?: number;
}

const MARGIN = { left: 80, right: 20, top: 40, gap: 36, bottom: 40 };

/**
 * Draws a {@link ScheduleTrace} as a standalone SVG document with three aligned panels: the loss, the
 * learning rate (log scale) and the detector signal with its threshold; dashed vertical lines mark
 * every change (red for a decrease, green for an increase). Pure string building, usable in browsers.
 *
 * @example
 * const svg = renderScheduleSvg(traceSchedule(new FastFaceScheduler({ lr: 0.02, totalSteps: losses.length }), losses));
 */
export function renderScheduleSvg(trace: ScheduleTrace, options: RenderScheduleSvgOptions = {}): string {
  const { title = 'Learning-rate schedule', width = 960, panelHeight = 200, maxPoints = 2000 } = options;
  const n = trace.values.length;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const height = MARGIN.top + 3 * panelHeight + 2 * MARGIN.gap + MARGIN.bottom;
  const x = (t: number) => MARGIN.left + (n <= 1 ? 0 : (t / (n - 1)) * plotWidth);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  );
  const panels: { label: string; values: (number | null)[]; log: boolean; threshold: number | null }[] = [
    { label: 'loss', values: trace.values, log: false, threshold: null },
    { label: 'learning rate (log)', values: trace.lr, log: true, threshold: null },
    {
      label: trace.signalName ?? 'detector signal',
      values: trace.signal,
      log: false,
      threshold: trace.threshold,
    },
  ];
  panels.forEach((panel, index) => {
    const top = MARGIN.top + index * (panelHeight + MARGIN.gap);
    parts.push(drawPanel(panel, top, panelHeight, plotWidth, x, maxPoints));
  });
  const bottom = MARGIN.top + 3 * panelHeight + 2 * MARGIN.gap;
  for (const change of trace.changes) {
    const cx = x(change.step).toFixed(1);
    const colour = change.multiplier < 1 ? '#c0392b' : '#27ae60';
    parts.push(
      `<line x1="${cx}" x2="${cx}" y1="${MARGIN.top}" y2="${bottom}" stroke="${colour}" stroke-dasharray="4 3" stroke-width="1"><title>step ${change.step}: ×${formatNumber(change.multiplier)} → ${formatNumber(change.to)}</title></line>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${bottom + 28}" text-anchor="middle">iteration (0 … ${Math.max(0, n - 1)})</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

function drawPanel(
  panel: { label: string; values: (number | null)[]; log: boolean; threshold: number | null },
  top: number,
  height: number,
  plotWidth: number,
  x: (t: number) => number,
  maxPoints: number,
): string {
  const transform = (v: number) => (panel.log ? Math.log10(v) : v);
  const finite: number[] = [];
  for (const v of panel.values) if (v !== null && Number.isFinite(transform(v))) finite.push(transform(v));
  if (panel.threshold !== null && Number.isFinite(panel.threshold)) finite.push(panel.threshold);
  let [lo, hi] = finite.length ? sampleExtremes(finite) : [0, 1];
  if (hi === lo) {
    hi += 0.5;
    lo -= 0.5;
  }
  const y = (v: number) => top + height - ((v - lo) / (hi - lo)) * height;
  const out: string[] = [
    `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${height}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left}" y="${top - 6}" font-weight="bold">${escapeXml(panel.label)}</text>`,
    `<text x="${MARGIN.left - 6}" y="${top + 10}" text-anchor="end">${formatNumber(panel.log ? 10 ** hi : hi)}</text>`,
    `<text x="${MARGIN.left - 6}" y="${top + height}" text-anchor="end">${formatNumber(panel.log ? 10 ** lo : lo)}</text>`,
  ];
  const bucket = Math.max(1, Math.ceil(panel.values.length / maxPoints));
  let path = '';
  let pen = false;
  for (let start = 0; start < panel.values.length; start += bucket) {
    // Min and max of each bucket keep spikes and steps visible after decimation.
    let min = Infinity;
    let max = -Infinity;
    for (let t = start; t < Math.min(start + bucket, panel.values.length); t++) {
      const raw = panel.values[t];
      if (raw === null || raw === undefined) continue;
      const v = transform(raw);
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (min === Infinity) {
      pen = false;
      continue;
    }
    const px = x(start).toFixed(1);
    path += `${pen ? 'L' : 'M'}${px},${y(max).toFixed(1)}`;
    if (max !== min) path += `L${px},${y(min).toFixed(1)}`;
    pen = true;
  }
  if (path) out.push(`<path d="${path}" fill="none" stroke="#2c3e50" stroke-width="1"/>`);
  if (panel.threshold !== null && Number.isFinite(panel.threshold)) {
    const ty = y(panel.threshold).toFixed(1);
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${ty}" y2="${ty}" stroke="#e67e22" stroke-dasharray="6 3"/>`,
      `<text x="${MARGIN.left + plotWidth - 4}" y="${Number(ty) - 4}" text-anchor="end" fill="#e67e22">threshold ${formatNumber(panel.threshold)}</text>`,
    );
  }
  return out.join('\n');
}

/** Min and max without spreading a huge array into Math.min (stack limits). */
function sampleExtremes(values: number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

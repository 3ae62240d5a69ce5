/** One evaluation point of a run. */
export interface EvalPoint {
  step: number;
  fid: number;
  kid: number;
  kidStd: number;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function panel(points: EvalPoint[], key: 'fid' | 'kid', x0: number, title: string): string {
  const w = 360;
  const h = 220;
  const pad = 40;
  if (points.length === 0) return '';
  const steps = points.map((p) => p.step);
  const values = points.map((p) => p[key]);
  const sMin = Math.min(...steps, 0);
  const sMax = Math.max(...steps, 1);
  let vMin = Math.min(...values);
  let vMax = Math.max(...values);
  if (vMax === vMin) {
    vMax += Math.abs(vMax) * 0.1 + 1e-6;
    vMin -= Math.abs(vMin) * 0.1 + 1e-6;
  }
  const sx = (s: number) => x0 + pad + ((s - sMin) / (sMax - sMin)) * (w - 2 * pad);
  const sy = (v: number) => h - pad + 10 - ((v - vMin) / (vMax - vMin)) * (h - 2 * pad);
  const path = points
    .map((p, i) => `${i ? 'L' : 'M'}${sx(p.step).toFixed(1)},${sy(p[key]).toFixed(1)}`)
    .join(' ');
  const dots = points
    .map((p) => `<circle cx="${sx(p.step).toFixed(1)}" cy="${sy(p[key]).toFixed(1)}" r="3"/>`)
    .join('');
  const fmt = (v: number) => (key === 'kid' ? v.toExponential(2) : v.toFixed(1));
  return [
    `<text x="${x0 + w / 2}" y="18" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${x0 + pad}" y1="${h - pad + 10}" x2="${x0 + w - pad}" y2="${h - pad + 10}" stroke="#444"/>`,
    `<line x1="${x0 + pad}" y1="30" x2="${x0 + pad}" y2="${h - pad + 10}" stroke="#444"/>`,
    `<text x="${x0 + pad - 4}" y="${sy(vMax) + 4}" text-anchor="end" font-size="10">${fmt(vMax)}</text>`,
    `<text x="${x0 + pad - 4}" y="${sy(vMin) + 4}" text-anchor="end" font-size="10">${fmt(vMin)}</text>`,
    `<text x="${x0 + pad}" y="${h - pad + 24}" font-size="10">${sMin}</text>`,
    `<text x="${x0 + w - pad}" y="${h - pad + 24}" text-anchor="end" font-size="10">step ${sMax}</text>`,
    `<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
    `<g fill="#1f77b4">${dots}</g>`,
  ].join('\n');
}

/** An SVG chart of FID and KID against the training step (two panels). */
export function renderEvalChart(points: EvalPoint[], label: string): string {
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="740" height="250" font-family="sans-serif" font-size="12">',
    '<rect width="100%" height="100%" fill="white"/>',
    panel(points, 'fid', 0, `FID — ${label}`),
    panel(points, 'kid', 370, `KID — ${label}`),
    '</svg>',
  ].join('\n');
}

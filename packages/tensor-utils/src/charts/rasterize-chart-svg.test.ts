import { describe, expect, it } from 'vitest';

import { ChartError } from './chart-error';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph, hasGlyph } from './font-5x7';
import { lineChartSvg } from './line-chart-svg';
import { chartSvgToPng, rasterizeChartSvg } from './rasterize-chart-svg';

const svg = (w: number, h: number, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`;

function pixel(r: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const o = (y * r.width + x) * 4;
  return [...r.data.subarray(o, o + 4)];
}

describe('rasterizeChartSvg', () => {
  it('fills rects with exact colours and antialiases fractional edges by area', () => {
    // White 4×2 background; a red rect from x = 0.5 to 2 over row 0: pixel 0 is half covered, pixel 1 fully.
    const r = rasterizeChartSvg(
      svg(
        4,
        2,
        '<rect width="100%" height="100%" fill="white"/><rect x="0.5" y="0" width="1.5" height="1" fill="#f00"/>',
      ),
      { scale: 1 },
    );
    expect([r.width, r.height]).toEqual([4, 2]);
    expect(pixel(r, 0, 0)).toEqual([255, 128, 128, 255]); // 255·0.5 + 255·0.5 for R; 0·0.5 + 255·0.5 = 127.5 → 128
    expect(pixel(r, 1, 0)).toEqual([255, 0, 0, 255]);
    expect(pixel(r, 2, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(r, 1, 1)).toEqual([255, 255, 255, 255]);
  });

  it('scales coordinates by `scale`', () => {
    const r = rasterizeChartSvg(svg(3, 2, '<rect x="1" y="1" width="1" height="1" fill="#000"/>'), {
      scale: 3,
    });
    expect([r.width, r.height]).toEqual([9, 6]);
    expect(pixel(r, 3, 3)[3]).toBe(255);
    expect(pixel(r, 5, 5)[3]).toBe(255);
    expect(pixel(r, 6, 5)[3]).toBe(0);
    expect(pixel(r, 2, 3)[3]).toBe(0);
  });

  it('draws a 1-unit horizontal line on an integer y as two half-covered rows, like a browser', () => {
    const r = rasterizeChartSvg(svg(10, 10, '<line x1="0" y1="5" x2="10" y2="5" stroke="black"/>'), {
      scale: 1,
    });
    // Pixel centres at y = 4.5 and 5.5 lie 0.5 from the line: coverage 0.5 + 0.5 - 0.5 = 0.5 → alpha 128.
    expect(pixel(r, 5, 4)).toEqual([0, 0, 0, 128]);
    expect(pixel(r, 5, 5)).toEqual([0, 0, 0, 128]);
    expect(pixel(r, 5, 3)[3]).toBe(0);
    expect(pixel(r, 5, 6)[3]).toBe(0);
  });

  it('dashes strokes by stroke-dasharray', () => {
    const r = rasterizeChartSvg(
      svg(
        12,
        4,
        '<line x1="0" y1="2" x2="12" y2="2" stroke="black" stroke-width="2" stroke-dasharray="2 2"/>',
      ),
      { scale: 1 },
    );
    // Dashes cover x in [0, 2), [4, 6), [8, 10); pixel centres 1.5 (on) and 3.0 (gap middle) tell them apart.
    const row = Array.from({ length: 12 }, (_, x) => pixel(r, x, 1)[3]! > 200);
    expect(row.slice(0, 2)).toEqual([true, true]);
    expect(row[3]).toBe(false);
    expect(row.slice(4, 6)).toEqual([true, true]);
    expect(row[7]).toBe(false);
  });

  it('composites a polyline once, so its joints are no darker than its middle', () => {
    const r = rasterizeChartSvg(
      svg(
        20,
        10,
        '<polyline points="0,5 10,5 20,5" fill="none" stroke="black" stroke-width="2" stroke-opacity="0.5"/>',
      ),
      { scale: 1 },
    );
    expect(pixel(r, 10, 5)).toEqual(pixel(r, 5, 5));
    expect(pixel(r, 5, 5)[3]).toBe(128);
  });

  it('draws text in the 5×7 font at its anchor, and quarter-turns it', () => {
    // font-size 12 at scale 1 is one device pixel per glyph cell (12 cells per em); the glyph's bottom row sits on the baseline.
    const r = rasterizeChartSvg(svg(20, 20, '<text x="2" y="10" font-size="12">L</text>'), { scale: 1 });
    const L = glyph('L');
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        expect(pixel(r, 2 + col, 3 + row)[3]).toBe(L[row * GLYPH_WIDTH + col] ? 255 : 0);
      }
    }
    // An L is its left column and its bottom row (worked from the letter, not read from the table).
    expect([0, 1, 2, 3, 4, 5, 6].map((row) => L[row * GLYPH_WIDTH])).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect([...L.subarray(6 * GLYPH_WIDTH)]).toEqual([1, 1, 1, 1, 1]);
    // text-anchor end puts the last column just left of x.
    const end = rasterizeChartSvg(
      svg(20, 20, '<text x="12" y="10" font-size="12" text-anchor="end">L</text>'),
      {
        scale: 1,
      },
    );
    expect(pixel(end, 7, 9)[3]).toBe(255); // bottom-left of the L at x = 12 - 5
    expect(pixel(end, 11, 9)[3]).toBe(255);
    expect(pixel(end, 12, 9)[3]).toBe(0);
    // rotate(-90) about the anchor: the L's foot (bottom row, going right) now goes up the screen.
    const up = rasterizeChartSvg(
      svg(20, 20, '<text x="10" y="10" font-size="12" transform="rotate(-90 10 10)">L</text>'),
      { scale: 1 },
    );
    const inked = (x: number, y: number) => pixel(up, x, y)[3] === 255;
    expect([0, 1, 2, 3, 4].every((k) => inked(9, 9 - k))).toBe(true);
  });

  it('draws every glyph of a real line chart and stays inside the canvas', async () => {
    const chart = lineChartSvg(
      [
        {
          name: 'loss',
          points: Array.from({ length: 200 }, (_, i) => [i, Math.exp(-i / 50)] as [number, number]),
        },
        {
          name: 'lr',
          points: [
            [0, 0.1],
            [199, 0.001],
          ],
        },
      ],
      { title: 'loss and lr — 10 ± 1 (θ ≤ π)', xLabel: 'step', yLabel: 'value', logY: true },
    );
    const r = rasterizeChartSvg(chart);
    expect([r.width, r.height]).toEqual([1440, 720]);
    const png = await chartSvgToPng(chart);
    expect(png.length).toBeGreaterThan(1000);
    expect(hasGlyph('±') && hasGlyph('θ') && hasGlyph('—')).toBe(true);
    expect(hasGlyph('π')).toBe(false); // drawn as a box, not dropped
  });

  it('names what it cannot draw instead of drawing it wrong', () => {
    const bad = (body: string) => () => rasterizeChartSvg(svg(10, 10, body));
    expect(bad('<ellipse cx="1" cy="1" rx="1" ry="1"/>')).toThrow(
      /element <ellipse> at offset \d+ is not supported/,
    );
    expect(bad('<rect width="1" height="1" fill="hsl(0, 50%, 50%)"/>')).toThrow(/unsupported colour "hsl/);
    expect(bad('<path d="M0 0 C1 1 2 2 3 3" fill="none" stroke="#000"/>')).toThrow(/path command "C"/);
    expect(bad('<polyline points="0,0 1,1 2,0" stroke="#000"/>')).toThrow(/filled <polyline>.*fill="none"/);
    expect(bad('<rect width="1" height="1" transform="scale(2)"/>')).toThrow(/transform on <rect>/);
    expect(bad('<text transform="rotate(45)">x</text>')).toThrow(/rotate\(±90/);
    expect(bad('<g><rect width="1" height="1"/>')).toThrow(ChartError);
    expect(() => rasterizeChartSvg('<svg width="10" height="10"><g></svg>')).toThrow(
      /<\/svg> at offset 31 closes <g>/,
    );
    expect(() => rasterizeChartSvg('<svg width="1e6" height="1e6"></svg>')).toThrow(/outside 1 px to 64 Mpx/);
    expect(() => rasterizeChartSvg('<svg height="10"></svg>')).toThrow(/svg width is missing/);
  });
});

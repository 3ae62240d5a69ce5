// Draws the SVG that the @frx chart writers produce (axes, polylines, bars, dots, text) into an RGBA raster,
// so that every chart can be saved as PNG beside its SVG without a browser, a native library or system fonts.
// It is a rasterizer of that subset, not of SVG: anything outside it is a ChartError naming the element, so a
// chart never renders silently wrong. Text uses the built-in 5×7 bitmap font (font-family is ignored).
import { ChartError } from './chart-error';
import { encodePngRgba, type RgbaRaster } from './encode-png';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './font-5x7';

/** Options of {@link rasterizeChartSvg} and {@link chartSvgToPng}. */
export interface RasterizeChartOptions {
  /** Device pixels per SVG unit (a 720×360 chart becomes 1440×720 at the default 2). */
  scale?: number;
}

type Rgb = readonly [number, number, number];

interface Style {
  fill: Rgb | null;
  stroke: Rgb | null;
  strokeWidth: number;
  fillOpacity: number;
  strokeOpacity: number;
  fontSize: number;
  bold: boolean;
  anchor: 'start' | 'middle' | 'end';
  dash: number[] | null;
}

const NAMED: Record<string, Rgb> = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  red: [255, 0, 0],
  green: [0, 128, 0],
  blue: [0, 0, 255],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
  orange: [255, 165, 0],
  steelblue: [70, 130, 180],
};

const SUPPORTED = new Set([
  'svg',
  'g',
  'rect',
  'line',
  'polyline',
  'path',
  'circle',
  'text',
  'title',
  'desc',
]);

function colour(value: string, where: string): Rgb | null {
  const v = value.trim().toLowerCase();
  if (v === 'none' || v === 'transparent') return null;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v);
  if (short) return [1, 2, 3].map((i) => parseInt(short[i]! + short[i]!, 16)) as unknown as Rgb;
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(v);
  if (long) return [1, 2, 3].map((i) => parseInt(long[i]!, 16)) as unknown as Rgb;
  const named = NAMED[v];
  if (named) return named;
  throw new ChartError(`rasterizeChartSvg: unsupported colour ${JSON.stringify(value)} in ${where}`);
}

function num(value: string | undefined, where: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ChartError(`rasterizeChartSvg: ${where} is missing`);
  }
  const n = Number(value.trim().replace(/px$/, ''));
  if (!Number.isFinite(n)) {
    throw new ChartError(`rasterizeChartSvg: ${where} must be a number, got ${JSON.stringify(value)}`);
  }
  return n;
}

function unescapeText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    return String.fromCodePoint(k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
  });
}

function parseAttributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[m[1]!] = unescapeText(m[2] ?? m[3] ?? '');
  }
  return out;
}

function numberList(value: string, where: string): number[] {
  const parts = value
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  return parts.map((p) => num(p, where));
}

/** Points of a path made of M/L (absolute or relative), H/V and Z commands. */
function pathPoints(d: string): [number, number][][] {
  const tokens = d.match(/[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/g) ?? [];
  const subpaths: [number, number][][] = [];
  let current: [number, number][] = [];
  let x = 0;
  let y = 0;
  let command = '';
  let i = 0;
  const next = () => num(tokens[i++], `path d=${JSON.stringify(d.slice(0, 40))}`);
  while (i < tokens.length) {
    if (/[a-zA-Z]/.test(tokens[i]!)) command = tokens[i++]!;
    switch (command) {
      case 'M':
      case 'm': {
        const [nx, ny] = [next(), next()];
        [x, y] = command === 'm' ? [x + nx, y + ny] : [nx, ny];
        if (current.length > 0) subpaths.push(current);
        current = [[x, y]];
        command = command === 'm' ? 'l' : 'L';
        break;
      }
      case 'L':
      case 'l': {
        const [nx, ny] = [next(), next()];
        [x, y] = command === 'l' ? [x + nx, y + ny] : [nx, ny];
        current.push([x, y]);
        break;
      }
      case 'H':
      case 'h':
        x = command === 'h' ? x + next() : next();
        current.push([x, y]);
        break;
      case 'V':
      case 'v':
        y = command === 'v' ? y + next() : next();
        current.push([x, y]);
        break;
      case 'Z':
      case 'z':
        if (current.length > 0) current.push(current[0]!);
        break;
      default:
        throw new ChartError(
          `rasterizeChartSvg: path command ${JSON.stringify(command)} is not supported (M, L, H, V, Z only)`,
        );
    }
  }
  if (current.length > 0) subpaths.push(current);
  return subpaths;
}

class Canvas implements RgbaRaster {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  /** Source-over blend of `rgb` at coverage `alpha` into pixel (x, y). */
  blend(x: number, y: number, rgb: Rgb, alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const o = (y * this.width + x) * 4;
    const d = this.data;
    const a = Math.min(1, alpha);
    const da = d[o + 3]! / 255;
    const oa = a + da * (1 - a);
    for (let c = 0; c < 3; c++) {
      d[o + c] = Math.round((rgb[c]! * a + d[o + c]! * da * (1 - a)) / oa);
    }
    d[o + 3] = Math.round(oa * 255);
  }

  /** Fills the axis-aligned box [x0, x1) × [y0, y1) (device pixels), fractional edges antialiased. */
  fillRect(x0: number, y0: number, x1: number, y1: number, rgb: Rgb, alpha: number): void {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(this.height, Math.ceil(y1)); y++) {
      const cy = Math.min(y + 1, y1) - Math.max(y, y0);
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(this.width, Math.ceil(x1)); x++) {
        const cx = Math.min(x + 1, x1) - Math.max(x, x0);
        this.blend(x, y, rgb, alpha * cx * cy);
      }
    }
  }

  fillCircle(cx: number, cy: number, r: number, rgb: Rgb, alpha: number): void {
    for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(this.height - 1, cy + r + 1); y++) {
      for (let x = Math.max(0, Math.floor(cx - r - 1)); x <= Math.min(this.width - 1, cx + r + 1); x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        this.blend(x, y, rgb, alpha * Math.max(0, Math.min(1, r + 0.5 - d)));
      }
    }
  }

  /**
   * Strokes polylines of width `w` (device pixels). Coverage is the maximum over the segments, composited
   * once, so joints of a translucent line are not darker than its middle.
   */
  stroke(lines: readonly (readonly [number, number])[][], w: number, rgb: Rgb, alpha: number): void {
    const half = Math.max(w, 1) / 2;
    let [bx0, by0, bx1, by1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const line of lines) {
      for (const [x, y] of line) {
        [bx0, by0, bx1, by1] = [Math.min(bx0, x), Math.min(by0, y), Math.max(bx1, x), Math.max(by1, y)];
      }
    }
    if (!Number.isFinite(bx0)) return;
    const x0 = Math.max(0, Math.floor(bx0 - half - 1));
    const y0 = Math.max(0, Math.floor(by0 - half - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(bx1 + half + 1));
    const y1 = Math.min(this.height - 1, Math.ceil(by1 + half + 1));
    if (x1 < x0 || y1 < y0) return;
    const mw = x1 - x0 + 1;
    const mask = new Float32Array(mw * (y1 - y0 + 1));
    for (const line of lines) {
      for (let s = 0; s + 1 < line.length || (s === 0 && line.length === 1); s++) {
        const [ax, ay] = line[s]!;
        const [qx, qy] = line[Math.min(s + 1, line.length - 1)]!;
        const dx = qx - ax;
        const dy = qy - ay;
        const len2 = dx * dx + dy * dy;
        const sx0 = Math.max(x0, Math.floor(Math.min(ax, qx) - half - 1));
        const sx1 = Math.min(x1, Math.ceil(Math.max(ax, qx) + half + 1));
        const sy0 = Math.max(y0, Math.floor(Math.min(ay, qy) - half - 1));
        const sy1 = Math.min(y1, Math.ceil(Math.max(ay, qy) + half + 1));
        for (let y = sy0; y <= sy1; y++) {
          for (let x = sx0; x <= sx1; x++) {
            const px = x + 0.5 - ax;
            const py = y + 0.5 - ay;
            // Butt caps at the ends of the line (SVG's default), round joins between its segments.
            const along = len2 === 0 ? 0 : (px * dx + py * dy) / Math.sqrt(len2);
            const len = Math.sqrt(len2);
            let c: number;
            if ((along < 0 && s === 0) || (along > len && s + 2 >= line.length)) {
              const perp = len === 0 ? Math.hypot(px, py) : Math.abs(px * dy - py * dx) / len;
              const beyond = along < 0 ? -along : along - len;
              c = Math.max(0, Math.min(1, half + 0.5 - perp)) * Math.max(0, Math.min(1, 0.5 - beyond));
            } else {
              const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, along / len));
              c = Math.max(0, Math.min(1, half + 0.5 - Math.hypot(px - t * dx, py - t * dy)));
            }
            const m = (y - y0) * mw + (x - x0);
            if (c > mask[m]!) mask[m] = c;
          }
        }
      }
    }
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const c = mask[(y - y0) * mw + (x - x0)]!;
        if (c > 0) this.blend(x, y, rgb, alpha * c);
      }
    }
  }
}

/** Cuts polylines into the dashes of `pattern` (lengths in the same units as the points). */
function dashed(lines: [number, number][][], pattern: number[]): [number, number][][] {
  const total = pattern.reduce((a, b) => a + b, 0);
  if (pattern.length === 0 || total <= 0) return lines;
  const cycle = pattern.length % 2 === 0 ? pattern : [...pattern, ...pattern];
  const out: [number, number][][] = [];
  for (const line of lines) {
    let k = 0;
    let left = cycle[0]!;
    let on = true;
    let dash: [number, number][] = [line[0]!];
    for (let s = 0; s + 1 < line.length; s++) {
      let [ax, ay] = line[s]!;
      const [bx, by] = line[s + 1]!;
      let remaining = Math.hypot(bx - ax, by - ay);
      while (remaining > 0) {
        const step = Math.min(left, remaining);
        const f = step / remaining;
        ax += (bx - ax) * f;
        ay += (by - ay) * f;
        remaining -= step;
        left -= step;
        if (on) dash.push([ax, ay]);
        if (left <= 1e-9) {
          if (on && dash.length > 1) out.push(dash);
          on = !on;
          k = (k + 1) % cycle.length;
          left = cycle[k]!;
          dash = [[ax, ay]];
        }
      }
    }
    if (on && dash.length > 1) out.push(dash);
  }
  return out;
}

function parseStyle(attrs: Record<string, string>, parent: Style, where: string): Style {
  const s: Style = { ...parent };
  if (attrs.style !== undefined) {
    throw new ChartError(
      `rasterizeChartSvg: style="…" is not supported (use presentation attributes) in ${where}`,
    );
  }
  if (attrs.fill !== undefined) s.fill = colour(attrs.fill, where);
  if (attrs.stroke !== undefined) s.stroke = colour(attrs.stroke, where);
  if (attrs['stroke-width'] !== undefined)
    s.strokeWidth = num(attrs['stroke-width'], `${where} stroke-width`);
  const opacity = num(attrs.opacity, `${where} opacity`, 1);
  s.fillOpacity = num(attrs['fill-opacity'], `${where} fill-opacity`, parent.fillOpacity) * opacity;
  s.strokeOpacity = num(attrs['stroke-opacity'], `${where} stroke-opacity`, parent.strokeOpacity) * opacity;
  if (attrs['font-size'] !== undefined) s.fontSize = num(attrs['font-size'], `${where} font-size`);
  if (attrs['font-weight'] !== undefined)
    s.bold = attrs['font-weight'] === 'bold' || Number(attrs['font-weight']) >= 600;
  if (attrs['text-anchor'] !== undefined) {
    const a = attrs['text-anchor'];
    if (a !== 'start' && a !== 'middle' && a !== 'end') {
      throw new ChartError(`rasterizeChartSvg: text-anchor ${JSON.stringify(a)} in ${where}`);
    }
    s.anchor = a;
  }
  if (attrs['stroke-dasharray'] !== undefined) {
    s.dash =
      attrs['stroke-dasharray'] === 'none'
        ? null
        : numberList(attrs['stroke-dasharray'], `${where} stroke-dasharray`);
  }
  return s;
}

/** Width in glyph cells of `text` (6 per character, less the last gap). */
function textCells(text: string): number {
  return Math.max(0, [...text].length * (GLYPH_WIDTH + 1) - 1);
}

function drawText(
  canvas: Canvas,
  text: string,
  x: number,
  y: number,
  style: Style,
  scale: number,
  rotate: { angle: number; cx: number; cy: number } | null,
): void {
  if (!style.fill) return;
  // A glyph advances 6 cells; 12 cells per em gives the 0.5 em average advance of a proportional sans-serif,
  // so text spans what the chart writer laid out for it. Cells within 10% of a whole pixel snap to it (crisp
  // tick labels); larger fractional cells are drawn antialiased.
  const exact = (style.fontSize * scale) / 12;
  const cell =
    Math.abs(exact - Math.round(exact)) <= 0.1 * exact ? Math.max(1, Math.round(exact)) : Math.max(1, exact);
  const width = textCells(text) * cell;
  let left = x * scale;
  if (style.anchor === 'middle') left -= width / 2;
  else if (style.anchor === 'end') left -= width;
  if (Number.isInteger(cell)) left = Math.round(left);
  const top = (Number.isInteger(cell) ? Math.round(y * scale) : y * scale) - GLYPH_HEIGHT * cell;
  const cx = rotate ? rotate.cx * scale : 0;
  const cy = rotate ? rotate.cy * scale : 0;
  // Quarter turns about (cx, cy): +90 is clockwise on screen (y points down), as in SVG.
  const turn = (px: number, py: number): [number, number] =>
    !rotate
      ? [px, py]
      : rotate.angle === 90
        ? [cx - (py - cy), cy + (px - cx)]
        : [cx + (py - cy), cy - (px - cx)];
  const put = (x0: number, y0: number) => {
    const [ax, ay] = turn(x0, y0);
    const [bx, by] = turn(x0 + cell, y0 + cell);
    canvas.fillRect(
      Math.min(ax, bx),
      Math.min(ay, by),
      Math.max(ax, bx),
      Math.max(ay, by),
      style.fill!,
      style.fillOpacity,
    );
  };
  [...text].forEach((char, k) => {
    const cells = glyph(char);
    const gx = left + k * (GLYPH_WIDTH + 1) * cell;
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        const inked =
          cells[r * GLYPH_WIDTH + c] === 1 || (style.bold && c > 0 && cells[r * GLYPH_WIDTH + c - 1] === 1);
        if (inked) put(gx + c * cell, top + r * cell);
      }
    }
  });
}

function parseRotate(
  transform: string | undefined,
  where: string,
): { angle: number; cx: number; cy: number } | null {
  if (transform === undefined) return null;
  const m = /^\s*rotate\(\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+)[\s,]+(-?[\d.]+))?\s*\)\s*$/.exec(transform);
  const angle = m ? Number(m[1]) : NaN;
  if (!m || (angle !== 90 && angle !== -90 && angle !== 270)) {
    throw new ChartError(
      `rasterizeChartSvg: transform ${JSON.stringify(transform)} in ${where}: only rotate(±90 [cx cy]) on text is supported`,
    );
  }
  return { angle: angle === 270 ? -90 : angle, cx: Number(m[2] ?? 0), cy: Number(m[3] ?? 0) };
}

/**
 * Rasterizes a chart SVG of the subset the @frx chart writers emit: `svg` (numeric `width`/`height`), `g`,
 * `rect`, `line`, `polyline`, `path` (M/L/H/V/Z, stroked), `circle`, `text` (with `text-anchor`,
 * `font-size`, `font-weight` and a ±90° `rotate` transform) and `title`; colours as `#rgb`, `#rrggbb` or a
 * few names; `opacity`, `fill-opacity`, `stroke-opacity`, `stroke-dasharray`. Lines are antialiased; text is
 * drawn in a 5×7 bitmap font scaled to the font size.
 *
 * @param svg - the SVG document.
 * @param options - `scale`: device pixels per SVG unit (default 2).
 * @returns the RGBA raster, `width * scale` × `height * scale`.
 * @throws {ChartError} naming the element, attribute or offset outside the subset.
 * @example
 * ```ts
 * const raster = rasterizeChartSvg('<svg width="10" height="10"><rect width="10" height="10" fill="red"/></svg>');
 * ```
 */
export function rasterizeChartSvg(svg: string, options: RasterizeChartOptions = {}): RgbaRaster {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 16))
    throw new ChartError(`rasterizeChartSvg: scale must be in (0, 16], got ${scale}`);
  const token =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/y;
  const root: Style = {
    fill: [0, 0, 0],
    stroke: null,
    strokeWidth: 1,
    fillOpacity: 1,
    strokeOpacity: 1,
    fontSize: 16,
    bold: false,
    anchor: 'start',
    dash: null,
  };
  const stack: { tag: string; style: Style; attrs: Record<string, string> }[] = [];
  let canvas: Canvas | null = null;
  let svgSize: [number, number] = [0, 0];
  let text: { content: string; attrs: Record<string, string>; style: Style } | null = null;
  let skipping = 0; // inside <title>/<desc>
  let offset = 0;
  const length = (v: string | undefined, axis: 0 | 1, where: string, fallback?: number) =>
    v !== undefined && v.trim().endsWith('%')
      ? (Number(v.trim().slice(0, -1)) / 100) * svgSize[axis]
      : num(v, where, fallback);
  while (offset < svg.length) {
    token.lastIndex = offset;
    const m = token.exec(svg);
    if (!m) {
      throw new ChartError(
        `rasterizeChartSvg: malformed markup at offset ${offset}: ${JSON.stringify(svg.slice(offset, offset + 40))}`,
      );
    }
    offset = token.lastIndex;
    const [, closing, rawTag, attrSource, selfClosing, content] = m;
    if (content !== undefined) {
      if (text && skipping === 0) text.content += content;
      else if (content.trim() !== '' && skipping === 0) {
        throw new ChartError(`rasterizeChartSvg: text outside <text> at offset ${m.index}`);
      }
      continue;
    }
    if (rawTag === undefined) continue; // comment, declaration
    const tag = rawTag.toLowerCase();
    const where = `<${tag}> at offset ${m.index}`;
    if (closing) {
      const open = stack.pop();
      if (!open || open.tag !== tag) {
        throw new ChartError(
          `rasterizeChartSvg: </${tag}> at offset ${m.index} closes <${open?.tag ?? 'nothing'}>`,
        );
      }
      if (tag === 'title' || tag === 'desc') skipping--;
      if (tag === 'text' && text && canvas) {
        drawText(
          canvas,
          unescapeText(text.content).replace(/\s+/g, ' ').trim(),
          num(text.attrs.x, 'text x', 0),
          num(text.attrs.y, 'text y', 0),
          text.style,
          scale,
          parseRotate(text.attrs.transform, where),
        );
        text = null;
      }
      continue;
    }
    if (!SUPPORTED.has(tag)) {
      throw new ChartError(
        `rasterizeChartSvg: element ${where} is not supported (${[...SUPPORTED].join(', ')})`,
      );
    }
    if (skipping > 0 && tag !== 'title' && tag !== 'desc') continue;
    const attrs = parseAttributes(attrSource ?? '');
    const parent = stack.at(-1)?.style ?? root;
    const style = parseStyle(attrs, parent, where);
    if (tag === 'svg') {
      if (canvas) throw new ChartError(`rasterizeChartSvg: nested ${where} is not supported`);
      svgSize = [num(attrs.width, 'svg width'), num(attrs.height, 'svg height')];
      const [w, h] = svgSize.map((v) => Math.round(v * scale)) as [number, number];
      if (!(w >= 1 && h >= 1 && w * h <= 64e6)) {
        throw new ChartError(
          `rasterizeChartSvg: a ${svgSize[0]}×${svgSize[1]} chart at scale ${scale} is outside 1 px to 64 Mpx`,
        );
      }
      canvas = new Canvas(w, h);
    } else if (!canvas) {
      throw new ChartError(`rasterizeChartSvg: ${where} comes before <svg>`);
    } else if (tag === 'title' || tag === 'desc') {
      skipping++;
    } else if (tag === 'text') {
      parseRotate(attrs.transform, where); // reject an unsupported transform before drawing anything
      text = { content: '', attrs, style };
    } else if (attrs.transform !== undefined) {
      throw new ChartError(`rasterizeChartSvg: transform on ${where} is not supported (text only)`);
    } else {
      const S = (v: number) => v * scale;
      const strokeLines = (lines: [number, number][][]) => {
        if (!style.stroke || style.strokeWidth <= 0) return;
        const device = lines.map((l) => l.map(([x, y]) => [S(x), S(y)] as [number, number]));
        const cut = style.dash ? dashed(device, style.dash.map(S)) : device;
        canvas!.stroke(cut, S(style.strokeWidth), style.stroke, style.strokeOpacity);
      };
      if (tag === 'rect') {
        const x = length(attrs.x, 0, `${where} x`, 0);
        const y = length(attrs.y, 1, `${where} y`, 0);
        const w = length(attrs.width, 0, `${where} width`);
        const h = length(attrs.height, 1, `${where} height`);
        if (style.fill && w > 0 && h > 0)
          canvas.fillRect(S(x), S(y), S(x + w), S(y + h), style.fill, style.fillOpacity);
        strokeLines([
          [
            [x, y],
            [x + w, y],
            [x + w, y + h],
            [x, y + h],
            [x, y],
          ],
        ]);
      } else if (tag === 'line') {
        const p = ['x1', 'y1', 'x2', 'y2'].map((k) => num(attrs[k], `${where} ${k}`, 0));
        strokeLines([
          [
            [p[0]!, p[1]!],
            [p[2]!, p[3]!],
          ],
        ]);
      } else if (tag === 'polyline' || tag === 'path') {
        const lines =
          tag === 'path'
            ? pathPoints(attrs.d ?? '')
            : [
                (() => {
                  const v = numberList(attrs.points ?? '', `${where} points`);
                  const pts: [number, number][] = [];
                  for (let i = 0; i + 1 < v.length; i += 2) pts.push([v[i]!, v[i + 1]!]);
                  return pts;
                })(),
              ];
        if (style.fill && lines.some((l) => l.length > 2)) {
          throw new ChartError(`rasterizeChartSvg: filled ${where} is not supported (set fill="none")`);
        }
        strokeLines(lines);
      } else if (tag === 'circle') {
        const cx = num(attrs.cx, `${where} cx`, 0);
        const cy = num(attrs.cy, `${where} cy`, 0);
        const r = num(attrs.r, `${where} r`);
        if (style.fill) canvas.fillCircle(S(cx), S(cy), S(r), style.fill, style.fillOpacity);
        if (style.stroke) {
          const ring: [number, number][] = [];
          for (let k = 0; k <= 48; k++)
            ring.push([cx + r * Math.cos((k * Math.PI) / 24), cy + r * Math.sin((k * Math.PI) / 24)]);
          strokeLines([ring]);
        }
      }
    }
    if (!selfClosing) stack.push({ tag, style, attrs });
  }
  if (!canvas) throw new ChartError('rasterizeChartSvg: no <svg> element');
  if (stack.length > 0) throw new ChartError(`rasterizeChartSvg: <${stack.at(-1)!.tag}> is never closed`);
  return canvas;
}

/**
 * The PNG of a chart SVG: {@link rasterizeChartSvg} then {@link encodePngRgba}.
 *
 * @example
 * ```ts
 * await writeFile('loss.png', await chartSvgToPng(svg));
 * ```
 */
export async function chartSvgToPng(svg: string, options: RasterizeChartOptions = {}): Promise<Uint8Array> {
  return encodePngRgba(rasterizeChartSvg(svg, options));
}

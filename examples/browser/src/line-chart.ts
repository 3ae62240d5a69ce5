const SVG = 'http://www.w3.org/2000/svg';

/** A live line chart drawn as SVG in the page: `push` a value, the polyline and the axis labels follow. */
export class LineChart {
  readonly element: SVGSVGElement;
  private readonly line: SVGPolylineElement;
  private readonly labels: { top: SVGTextElement; bottom: SVGTextElement; right: SVGTextElement };
  private readonly values: number[] = [];

  constructor(
    title: string,
    private readonly options: { width?: number; height?: number; color?: string; log?: boolean } = {},
  ) {
    const width = options.width ?? 420;
    const height = options.height ?? 180;
    this.element = document.createElementNS(SVG, 'svg');
    this.element.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.element.setAttribute('width', String(width));
    this.element.setAttribute('height', String(height));
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', title);
    const text = (x: number, y: number, anchor: string, content = '') => {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', String(x));
      t.setAttribute('y', String(y));
      t.setAttribute('text-anchor', anchor);
      t.setAttribute('font-size', '11');
      t.setAttribute('font-family', 'sans-serif');
      t.textContent = content;
      this.element.append(t);
      return t;
    };
    const frame = document.createElementNS(SVG, 'rect');
    frame.setAttribute('x', '50');
    frame.setAttribute('y', '20');
    frame.setAttribute('width', String(width - 60));
    frame.setAttribute('height', String(height - 40));
    frame.setAttribute('fill', 'none');
    frame.setAttribute('stroke', '#bbb');
    this.element.append(frame);
    text(width / 2, 14, 'middle', title);
    this.labels = {
      top: text(46, 28, 'end'),
      bottom: text(46, height - 20, 'end'),
      right: text(width - 10, height - 6, 'end'),
    };
    this.line = document.createElementNS(SVG, 'polyline');
    this.line.setAttribute('fill', 'none');
    this.line.setAttribute('stroke', options.color ?? '#1f77b4');
    this.line.setAttribute('stroke-width', '1.5');
    this.element.append(this.line);
  }

  push(value: number): void {
    this.values.push(value);
    const width = this.options.width ?? 420;
    const height = this.options.height ?? 180;
    const map = (v: number) => (this.options.log ? Math.log10(v) : v);
    const mapped = this.values.map(map);
    const lo = Math.min(...mapped);
    const hi = Math.max(...mapped);
    const span = hi - lo || 1;
    const n = Math.max(this.values.length - 1, 1);
    this.line.setAttribute(
      'points',
      mapped
        .map(
          (v, i) =>
            `${(50 + (i / n) * (width - 60)).toFixed(1)},${(height - 20 - ((v - lo) / span) * (height - 40)).toFixed(1)}`,
        )
        .join(' '),
    );
    const format = (v: number) => (this.options.log ? 10 ** v : v).toPrecision(3);
    this.labels.top.textContent = format(hi);
    this.labels.bottom.textContent = format(lo);
    this.labels.right.textContent = `step ${this.values.length}`;
  }
}

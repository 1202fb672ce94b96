import { chartLayout, chartScales, ticks, type CurveChart } from './curve-chart.js';
import { encodePng } from './png-encoder.js';

// A 3x5 pixel font (drawn at twice the size): enough for titles, axis labels and tick values.
const glyphs: Record<string, string> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111', '4': '101101111001001',
  '5': '111100111001111', '6': '111100111101111', '7': '111001001001001', '8': '111101111101111', '9': '111101111001111',
  A: '010101111101101', B: '110101110101110', C: '011100100100011', D: '110101101101110', E: '111100110100111',
  F: '111100110100100', G: '011100101101011', H: '101101111101101', I: '111010010010111', J: '001001001101010',
  K: '101101110101101', L: '100100100100111', M: '101111111101101', N: '110101101101101', O: '010101101101010',
  P: '110101110100100', Q: '010101101110011', R: '110101110101101', S: '011100010001110', T: '111010010010010',
  U: '101101101101111', V: '101101101101010', W: '101101111111101', X: '101101010101101', Y: '101101010010010',
  Z: '111001010100111', '.': '000000000000010', '%': '101001010100101', '-': '000000111000000', '(': '010100100100010',
  ')': '010001001001010', '/': '001001010100100', ':': '000010000010000', ',': '000000000010100', '@': '010101111100011',
};

class Canvas {
  readonly pixels: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.pixels = new Uint8Array(width * height * 3).fill(255);
  }
  set(x: number, y: number, [red, green, blue]: readonly number[]): void {
    const [column, row] = [Math.round(x), Math.round(y)];
    if (column < 0 || row < 0 || column >= this.width || row >= this.height) return;
    this.pixels.set([red!, green!, blue!], (row * this.width + column) * 3);
  }
  line(x0: number, y0: number, x1: number, y1: number, color: readonly number[], thickness = 1, dashed = false): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let step = 0; step <= steps; step++) {
      if (dashed && step % 10 >= 6) continue;
      const [x, y] = [x0 + ((x1 - x0) * step) / steps, y0 + ((y1 - y0) * step) / steps];
      for (let dx = 0; dx < thickness; dx++) for (let dy = 0; dy < thickness; dy++) this.set(x + dx - (thickness >> 1), y + dy - (thickness >> 1), color);
    }
  }
  text(x: number, y: number, text: string, color: readonly number[], anchor: 'start' | 'middle' | 'end' = 'start'): void {
    const upper = text.toUpperCase();
    const width = upper.length * 8;
    let left = anchor === 'start' ? x : anchor === 'middle' ? x - width / 2 : x - width;
    for (const character of upper) {
      const glyph = glyphs[character];
      if (glyph !== undefined) for (let bit = 0; bit < 15; bit++) if (glyph[bit] === '1') for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) this.set(left + (bit % 3) * 2 + dx!, y - 5 + Math.floor(bit / 3) * 2 + dy!, color);
      left += 8;
    }
  }
}

const rgb = (hex: string) => [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16));
const format = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString());

/**
 * Renders the same chart as `renderCurveSvg` to a PNG, with a tiny built-in rasteriser and font, so
 * no native image library or network is needed.
 *
 * @example
 * writeFileSync('curve.png', renderCurvePng(chart));
 */
export function renderCurvePng(chart: CurveChart): Buffer {
  const { width, height, left, right, top, bottom } = chartLayout;
  const scale = chartScales(chart);
  const canvas = new Canvas(width, height);
  const [grid, ink] = [[229, 229, 229], [51, 51, 51]];
  canvas.text(left, 20, chart.title, ink);
  for (const value of ticks(scale.xRange)) {
    canvas.line(scale.x(value), top, scale.x(value), height - bottom, grid);
    canvas.text(scale.x(value), height - bottom + 16, format(value), ink, 'middle');
  }
  for (const value of ticks(scale.yRange)) {
    canvas.line(left, scale.y(value), width - right, scale.y(value), grid);
    canvas.text(left - 6, scale.y(value), format(value), ink, 'end');
  }
  for (const [x0, y0, x1, y1] of [[left, top, width - right, top], [left, height - bottom, width - right, height - bottom], [left, top, left, height - bottom], [width - right, top, width - right, height - bottom]] as const) canvas.line(x0, y0, x1, y1, ink);
  canvas.text((left + width - right) / 2, height - 12, chart.xLabel, ink, 'middle');
  canvas.text(4, top - 12, chart.yLabel, ink);
  chart.series.forEach((series, index) => {
    const color = rgb(series.color);
    for (let point = 1; point < series.points.length; point++) {
      const [a, b] = [series.points[point - 1]!, series.points[point]!];
      canvas.line(scale.x(a[0]), scale.y(a[1]), scale.x(b[0]), scale.y(b[1]), color, 2, series.dashed);
    }
    const legendY = top + 10 + index * 20;
    canvas.line(width - right + 12, legendY, width - right + 36, legendY, color, 3, series.dashed);
    canvas.text(width - right + 42, legendY, series.name, ink);
  });
  return encodePng(width, height, canvas.pixels);
}

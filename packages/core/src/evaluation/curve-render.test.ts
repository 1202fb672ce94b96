import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CurveChart } from './curve-chart.js';
import { renderCurvePng } from './curve-png.js';
import { renderCurveSvg } from './curve-svg.js';
import { encodePng } from './png-encoder.js';

const chart: CurveChart = {
  title: 'PGR <test>',
  xLabel: 'strong share',
  yLabel: 'PGR',
  series: [
    { name: 'router', color: '#ff0000', points: [[0, 0], [0.5, 0.8], [1, 1]] },
    { name: 'random', color: '#00ff00', dashed: true, points: [[0, 0], [1, 1]] },
  ],
};

describe('curve renderers', () => {
  it('writes an SVG with one polyline per series and escaped text', () => {
    const svg = renderCurveSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('PGR &lt;test&gt;');
    expect(svg).toContain('stroke-dasharray');
  });

  it('encodes a PNG whose pixel data inflates back to the image', () => {
    const png = encodePng(2, 1, Uint8Array.of(255, 0, 0, 0, 0, 255));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const idatStart = png.indexOf('IDAT') + 4;
    const length = png.readUInt32BE(idatStart - 8);
    expect([...inflateSync(png.subarray(idatStart, idatStart + length))]).toEqual([0, 255, 0, 0, 0, 0, 255]);
  });

  it('draws the series colours into the PNG chart', () => {
    const png = renderCurvePng(chart);
    const idatStart = png.indexOf('IDAT') + 4;
    const pixels = inflateSync(png.subarray(idatStart, idatStart + png.readUInt32BE(idatStart - 8)));
    let red = 0;
    for (let index = 0; index + 2 < pixels.length; index++) if (pixels[index] === 255 && pixels[index + 1] === 0 && pixels[index + 2] === 0) red++;
    expect(red).toBeGreaterThan(100);
  });
});

import { describe, expect, it } from 'vitest';
import { renderCurveSvg } from '@routekit/core';
import { svgToPng } from './svg-to-png.js';

describe('svgToPng', () => {
  it('renders a chart to a PNG at twice its SVG size', () => {
    const svg = renderCurveSvg({ title: 'PGR on MMLU', xLabel: 'strong share', yLabel: 'PGR', series: [{ name: 'router', color: '#ff0000', points: [[0, 0], [0.5, 0.8], [1, 1]] }] });
    const png = svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: width and height, big-endian, right after the chunk type.
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBe(880);
    // Text and lines, not a blank page: a blank white PNG of this size compresses to a few KB.
    expect(png.length).toBeGreaterThan(20_000);
  });
});

import { describe, expect, it } from 'vitest';
import type { CurveChart } from './curve-chart.js';
import { renderCurveSvg } from './curve-svg.js';

const chart: CurveChart = {
  title: 'PGR <test>',
  xLabel: 'strong share',
  yLabel: 'PGR',
  series: [
    { name: 'router', color: '#ff0000', points: [[0, 0], [0.5, 0.8], [1, 1]] },
    { name: 'random', color: '#00ff00', dashed: true, points: [[0, 0], [1, 1]] },
  ],
};

describe('curve SVG', () => {
  it('writes an SVG with one polyline per series and escaped text', () => {
    const svg = renderCurveSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('PGR &lt;test&gt;');
    expect(svg).toContain('stroke-dasharray');
  });
});

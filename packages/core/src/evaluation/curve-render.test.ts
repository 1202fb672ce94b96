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

describe('curve charts leave room and say their figures', () => {
  const pixelsOf = (svg: string) => [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((match) => match[1]!.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]));
  const frameOf = (svg: string) => {
    const [, x, y, width, height] = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!.map(Number);
    return { left: x!, top: y!, right: x! + width!, bottom: y! + height! };
  };

  it('keeps the highest line below the top border, with headroom', () => {
    const svg = renderCurveSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'oracle', color: '#00aa00', points: [[0, 0], [0.2, 1.3], [1, 1]] }] });
    const frame = frameOf(svg);
    const highest = Math.min(...pixelsOf(svg).at(-1)!.map(([, y]) => y));
    expect(highest - frame.top).toBeGreaterThanOrEqual(0.05 * (frame.bottom - frame.top));
  });

  it('prints the chart\'s figures (APGR, AUC) on the plot, escaped', () => {
    const svg = renderCurveSvg({ ...chart, annotations: ['APGR 0.672 (random 0.5)', 'AUC <router> 0.61'] });
    expect(svg).toContain('>APGR 0.672 (random 0.5)</text>');
    expect(svg).toContain('AUC &lt;router&gt; 0.61');
  });

  it('draws a log cost axis: a tenfold step in cost is the same width anywhere on it', () => {
    const svg = renderCurveSvg({ title: 't', xLabel: 'cost', yLabel: 'q', xScale: 'log', series: [{ name: 'router', color: '#0000ff', points: [[0.001, 0.5], [0.01, 0.6], [0.1, 0.7], [1, 0.8]] }] });
    const xs = pixelsOf(svg).at(-1)!.map(([x]) => x);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[3]! - xs[2]!, 0);
    expect(svg).toMatch(/>0\.001<\/text>/);
    expect(svg).toMatch(/>0\.1<\/text>/);
  });
});

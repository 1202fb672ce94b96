import { chartLayout, chartScales, ticks, type CurveChart } from './curve-chart.js';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const format = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString());

/**
 * Renders a line chart as a self-contained SVG document.
 *
 * @example
 * writeFileSync('curve.svg', renderCurveSvg({ title: 'MMLU', xLabel: 'strong share', yLabel: 'PGR', series }));
 */
export function renderCurveSvg(chart: CurveChart): string {
  const { width, height, left, right, top, bottom } = chartLayout;
  const scale = chartScales(chart);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold">${escape(chart.title)}</text>`,
  ];
  for (const value of ticks(scale.xRange, scale.log)) {
    const x = scale.x(value).toFixed(1);
    parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${height - bottom}" stroke="#e5e5e5"/>`, `<text x="${x}" y="${height - bottom + 16}" text-anchor="middle">${format(value)}</text>`);
  }
  for (const value of ticks(scale.yRange)) {
    const y = scale.y(value).toFixed(1);
    parts.push(`<line x1="${left}" y1="${y}" x2="${width - right}" y2="${y}" stroke="#e5e5e5"/>`, `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${format(value)}</text>`);
  }
  parts.push(
    `<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="#333"/>`,
    `<text x="${(left + width - right) / 2}" y="${height - 10}" text-anchor="middle">${escape(chart.xLabel)}</text>`,
    `<text transform="translate(16 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`,
  );
  // Lines are drawn last series first, so the first (the router) lies on top where lines meet.
  for (const series of [...chart.series].reverse()) {
    const points = series.points.filter(([x]) => !scale.log || x > 0).map(([x, y]) => `${scale.x(x).toFixed(1)},${scale.y(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  }
  chart.series.forEach((series, index) => {
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    const legendY = top + 10 + index * 20;
    parts.push(`<line x1="${width - right + 12}" y1="${legendY}" x2="${width - right + 36}" y2="${legendY}" stroke="${series.color}" stroke-width="3"${dash}/>`, `<text x="${width - right + 42}" y="${legendY}" dominant-baseline="middle">${escape(series.name)}</text>`);
  });
  // The figures sit under the legend, outside the plot, so they never cover a line.
  (chart.annotations ?? []).forEach((line, index) => {
    parts.push(`<text x="${width - right + 12}" y="${top + 10 + (chart.series.length + 0.6 + index) * 20}" dominant-baseline="middle" font-size="11.5">${escape(line)}</text>`);
  });
  parts.push('</svg>\n');
  return parts.join('\n');
}

/** A horizontal bar chart as SVG: one bar per target, the value written at its end. */
export function barChartSvg({ title, bars }: { title: string; bars: Array<{ label: string; value: number }> }): string {
  const labelWidth = 360;
  const barArea = 420;
  const rowHeight = 28;
  const top = 50;
  const width = labelWidth + barArea + 90;
  const height = top + bars.length * rowHeight + 20;
  const largest = Math.max(...bars.map((bar) => bar.value), 1);
  const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const rows = bars.map((bar, index) => {
    const y = top + index * rowHeight;
    const length = (bar.value / largest) * barArea;
    const colour = bar.label.startsWith('routekit') ? '#2563eb' : '#9ca3af';
    return `<text x="${labelWidth - 10}" y="${y + 18}" text-anchor="end" font-size="13">${escape(bar.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 4}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${colour}"/>` +
      `<text x="${labelWidth + length + 6}" y="${y + 18}" font-size="13">${Math.round(bar.value)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/><text x="${width / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escape(title)}</text>${rows.join('')}</svg>`;
}

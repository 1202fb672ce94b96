/** A line of a chart: a name for the legend, a colour and points in data units. */
export interface ChartSeries {
  name: string;
  /** A CSS hex colour, `#rrggbb`. */
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

/** A line chart as both renderers (SVG and PNG) draw it. */
export interface CurveChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** Axis ranges; default the data's extent (the y axis with headroom above the highest line). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** `log` for costs that span orders of magnitude (points at or below 0 are left out). Default `linear`. */
  xScale?: 'linear' | 'log';
  /** The chart's figures (APGR, AUC, ...), printed under the legend. */
  annotations?: readonly string[];
}

/** Plot geometry shared by the renderers, so the SVG and the PNG look the same. */
export const chartLayout = { width: 640, height: 440, left: 60, right: 190, top: 36, bottom: 48 } as const;

/** Room above the highest line, as a share of the y span, so no line runs along the top border. */
const headroom = 0.08;

/** Maps data coordinates to pixels for a chart. */
export function chartScales(chart: CurveChart): { x: (value: number) => number; y: (value: number) => number; xRange: [number, number]; yRange: [number, number]; log: boolean } {
  const log = chart.xScale === 'log';
  const all = chart.series.flatMap((series) => series.points).filter((point) => !log || point[0] > 0);
  const extent = (pick: (point: readonly [number, number]) => number): [number, number] => {
    const values = all.map(pick);
    const low = values.length > 0 ? Math.min(...values) : 0;
    const high = values.length > 0 ? Math.max(...values) : 1;
    return high > low ? [low, high] : [low - 0.5, low + 0.5];
  };
  const xRange = chart.xRange ? [...chart.xRange] as [number, number] : extent((point) => point[0]);
  if (log) {
    // Whole decades, so the ticks fall on 0.01, 0.1, 1.
    const positive = all.map((point) => point[0]);
    const low = positive.length > 0 ? Math.min(...positive) : 0.01;
    const high = positive.length > 0 ? Math.max(...positive) : 1;
    xRange[0] = 10 ** Math.floor(Math.log10(Math.max(low, 1e-9)));
    xRange[1] = Math.max(10 ** Math.ceil(Math.log10(Math.max(high, 1e-9))), xRange[0] * 10);
  }
  let yRange: [number, number];
  if (chart.yRange) yRange = [...chart.yRange] as [number, number];
  else {
    // Headroom above the highest line, then out to round tick values (0.2, 0.25, 0.5, ...).
    const [low, high] = extent((point) => point[1]);
    const top = high + (high - low) * headroom;
    const step = niceStep((top - low) / 5);
    yRange = [Math.floor(low / step + 1e-9) * step, Math.ceil(top / step - 1e-9) * step];
  }
  const { width, height, left, right, top, bottom } = chartLayout;
  const position = (value: number) => (log ? (Math.log10(value) - Math.log10(xRange[0])) / (Math.log10(xRange[1]) - Math.log10(xRange[0])) : (value - xRange[0]) / (xRange[1] - xRange[0]));
  return {
    xRange,
    yRange,
    log,
    x: (value) => left + position(value) * (width - left - right),
    y: (value) => height - bottom - ((value - yRange[0]) / (yRange[1] - yRange[0])) * (height - top - bottom),
  };
}

/** Evenly spaced tick values, five intervals; on a log axis, each decade. */
export function ticks([low, high]: readonly [number, number], log = false): number[] {
  if (log) {
    const values: number[] = [];
    for (let exponent = Math.round(Math.log10(low)); exponent <= Math.round(Math.log10(high)) && values.length < 12; exponent += 1) values.push(Number((10 ** exponent).toPrecision(1)));
    return values;
  }
  const step = niceStep((high - low) / 5);
  const values: number[] = [];
  for (let value = Math.ceil(low / step - 1e-9) * step; value <= high + step * 1e-9 && values.length < 12; value += step) values.push(Number(value.toPrecision(12)));
  return values;
}

/** The round step (1, 2, 2.5 or 5 times a power of ten) nearest above `rough`. */
function niceStep(rough: number): number {
  if (!(rough > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  return ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough - 1e-12) ?? 10) * power;
}

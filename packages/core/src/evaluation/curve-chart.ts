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
  /** Axis ranges; default the data's extent. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
}

/** Plot geometry shared by the renderers, so the SVG and the PNG look the same. */
export const chartLayout = { width: 640, height: 440, left: 60, right: 170, top: 36, bottom: 48 } as const;

/** Maps data coordinates to pixels for a chart. */
export function chartScales(chart: CurveChart): { x: (value: number) => number; y: (value: number) => number; xRange: [number, number]; yRange: [number, number] } {
  const all = chart.series.flatMap((series) => series.points);
  const extent = (pick: (point: readonly [number, number]) => number): [number, number] => {
    const values = all.map(pick);
    const low = values.length > 0 ? Math.min(...values) : 0;
    const high = values.length > 0 ? Math.max(...values) : 1;
    return high > low ? [low, high] : [low - 0.5, low + 0.5];
  };
  const xRange = chart.xRange ? [...chart.xRange] as [number, number] : extent((point) => point[0]);
  const yRange = chart.yRange ? [...chart.yRange] as [number, number] : extent((point) => point[1]);
  const { width, height, left, right, top, bottom } = chartLayout;
  return {
    xRange,
    yRange,
    x: (value) => left + ((value - xRange[0]) / (xRange[1] - xRange[0])) * (width - left - right),
    y: (value) => height - bottom - ((value - yRange[0]) / (yRange[1] - yRange[0])) * (height - top - bottom),
  };
}

/** Evenly spaced tick values, five intervals. */
export function ticks([low, high]: readonly [number, number]): number[] {
  return Array.from({ length: 6 }, (_, index) => low + ((high - low) * index) / 5);
}

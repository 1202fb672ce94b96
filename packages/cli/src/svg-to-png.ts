import { Resvg } from '@resvg/resvg-js';

/**
 * Renders an SVG to PNG with resvg (a maintained renderer whose prebuilt binary installs from npm)
 * and the machine's own fonts, at twice the SVG's size so labels stay readable.
 *
 * @example
 * writeFileSync('curve.png', svgToPng(renderCurveSvg(chart)));
 */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' } }).render().asPng();
}

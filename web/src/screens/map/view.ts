import { type GeoProjection, geoMercator } from 'd3-geo';

/** What part of the world the map shows: its centre (longitude, latitude) and a zoom factor. */
export interface View {
  center: [number, number];
  zoom: number;
}

/** The Korean peninsula and the sea east of it, from the Yellow Sea to Honshu. */
export const HOME: View = { center: [131, 38], zoom: 1 };

export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 64;

/** Degrees of longitude across the map at zoom 1. */
const SPAN = 28;

/** The Mercator projection of `view` into a `width` × `height` pixel box, clipped to it. */
export function projectionFor(view: View, width: number, height: number): GeoProjection {
  const fit = Math.min(width, height * 1.25);
  return geoMercator()
    .center(view.center)
    .scale((fit / ((SPAN * Math.PI) / 180)) * view.zoom)
    .translate([width / 2, height / 2])
    .clipExtent([
      [0, 0],
      [width, height],
    ]);
}

/** The view moved by (dx, dy) pixels: what was at the centre is then dx to the right and dy down. */
export function panBy(view: View, dx: number, dy: number, width: number, height: number): View {
  const p = projectionFor(view, width, height);
  const c = p.invert?.([width / 2 - dx, height / 2 - dy]);
  if (!c) return view;
  const lat = Math.max(-80, Math.min(80, c[1]));
  const lon = ((((c[0] + 180) % 360) + 360) % 360) - 180;
  return { center: [lon, lat], zoom: view.zoom };
}

/** The view zoomed by `factor`, keeping the point at pixel `at` (default: the centre) where it is. */
export function zoomBy(
  view: View,
  factor: number,
  width: number,
  height: number,
  at: [number, number] = [width / 2, height / 2],
): View {
  const zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, view.zoom * factor));
  if (zoom === view.zoom) return view;
  const before = projectionFor(view, width, height).invert?.(at);
  const zoomed = { center: view.center, zoom };
  if (!before) return zoomed;
  const after = projectionFor(zoomed, width, height)(before);
  if (!after) return zoomed;
  return panBy(zoomed, at[0] - after[0], at[1] - after[1], width, height);
}

/** Metres to pixels at latitude `lat` under projection `p` (for an impact's error radius). */
export function metresToPixels(p: GeoProjection, lat: number, metres: number): number {
  // Mercator: scale is pixels per radian at the equator, stretched by 1/cos(lat).
  return (metres / 6_371_000) * p.scale() * (1 / Math.cos((lat * Math.PI) / 180));
}

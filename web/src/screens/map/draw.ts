import type { GeoPermissibleObjects, GeoProjection } from 'd3-geo';
import { geoPath } from 'd3-geo';
import ms from 'milsymbol';
import { sidcOf } from './sidc.js';
import { shownAt, type TrackState } from './tracks.js';
import { metresToPixels } from './view.js';

/** Canvas 2D drawing of the map (no WebGL: it renders in a browser without a GPU). */

export interface World {
  land: GeoPermissibleObjects;
  borders: GeoPermissibleObjects;
}

const SEA = '#dbe7f1';
const LAND = '#f3f0e6';
const COAST = '#8a8f96';
const BORDER = '#6b6f75';
const HOSTILE = '#c8102e';
const FRIEND = '#0033a0';

/** A canvas sized for the screen's pixel ratio, its context scaled so drawing is in CSS pixels. */
export function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** Sea, land and borders. */
export function drawBase(
  ctx: CanvasRenderingContext2D,
  p: GeoProjection,
  world: World,
  w: number,
  h: number,
): void {
  ctx.fillStyle = SEA;
  ctx.fillRect(0, 0, w, h);
  const path = geoPath(p, ctx);
  ctx.beginPath();
  path(world.land);
  ctx.fillStyle = LAND;
  ctx.fill();
  ctx.strokeStyle = COAST;
  ctx.lineWidth = 0.8;
  ctx.stroke();
  ctx.beginPath();
  path(world.borders);
  ctx.setLineDash([4, 3]);
  ctx.strokeStyle = BORDER;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.setLineDash([]);
}

interface Glyph {
  image: HTMLCanvasElement;
  x: number;
  y: number;
  width: number;
  height: number;
}

// One rendered symbol per CoT type: milsymbol draws it once, every frame copies it (asCanvas: no SVG string
// ever reaches the DOM, which the CSP would refuse anyway).
const glyphs = new Map<string, Glyph>();

export function glyphFor(type: string): Glyph {
  let g = glyphs.get(type);
  if (g) return g;
  let symbol = new ms.Symbol(sidcOf(type) ?? 'SUZP-----------', { size: 22 });
  if (symbol.isValid() !== true) symbol = new ms.Symbol('SUZP-----------', { size: 22 });
  const ratio = window.devicePixelRatio || 1;
  const anchor = symbol.getAnchor();
  const size = symbol.getSize();
  g = { image: symbol.asCanvas(ratio), x: anchor.x, y: anchor.y, width: size.width, height: size.height };
  glyphs.set(type, g);
  return g;
}

/** How many fixes of a long path are drawn at most: an hour at one fix a second would be too many. */
const MAX_PATH_POINTS = 240;

/** Every track shown at `at`: its path, launch point, predicted impact (with its error radius) and symbol. */
export function drawTracks(
  ctx: CanvasRenderingContext2D,
  p: GeoProjection,
  tracks: Iterable<TrackState>,
  at: number,
  w: number,
  h: number,
): number {
  ctx.clearRect(0, 0, w, h);
  let shown = 0;
  for (const s of tracks) {
    const end = shownAt(s, at);
    if (end < 0) continue;
    shown++;
    const colour = s.last.type.startsWith('a-h-') || s.last.type.startsWith('a-s-') ? HOSTILE : FRIEND;
    const here = p([s.path[end]!.lon, s.path[end]!.lat]);
    // The path flown so far.
    const step = Math.max(1, Math.ceil((end + 1) / MAX_PATH_POINTS));
    ctx.beginPath();
    let started = false;
    const to = (i: number) => {
      const q = p([s.path[i]!.lon, s.path[i]!.lat]);
      if (!q) return;
      if (started) ctx.lineTo(q[0], q[1]);
      else ctx.moveTo(q[0], q[1]);
      started = true;
    };
    for (let i = 0; i < end; i += step) to(i);
    to(end);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.stroke();
    const launch = s.last.launch;
    if (launch) {
      const q = p([launch.lon, launch.lat]);
      if (q) {
        ctx.beginPath();
        ctx.moveTo(q[0], q[1] - 7);
        ctx.lineTo(q[0] + 6, q[1] + 5);
        ctx.lineTo(q[0] - 6, q[1] + 5);
        ctx.closePath();
        ctx.fillStyle = colour;
        ctx.fill();
      }
    }
    const impact = s.last.impact;
    if (impact) {
      const q = p([impact.lon, impact.lat]);
      if (q) {
        if (here) {
          ctx.beginPath();
          ctx.setLineDash([5, 4]);
          ctx.moveTo(here[0], here[1]);
          ctx.lineTo(q[0], q[1]);
          ctx.lineWidth = 1.2;
          ctx.stroke();
          ctx.setLineDash([]);
        }
        const r = Math.max(4, metresToPixels(p, impact.lat, impact.ce ?? 0));
        ctx.beginPath();
        ctx.arc(q[0], q[1], r, 0, 2 * Math.PI);
        ctx.fillStyle = 'rgba(200, 16, 46, 0.15)';
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.stroke();
        ctx.beginPath();
        ctx.moveTo(q[0] - 4, q[1] - 4);
        ctx.lineTo(q[0] + 4, q[1] + 4);
        ctx.moveTo(q[0] + 4, q[1] - 4);
        ctx.lineTo(q[0] - 4, q[1] + 4);
        ctx.stroke();
      }
    }
    if (here) {
      const g = glyphFor(s.last.type);
      ctx.drawImage(g.image, here[0] - g.x, here[1] - g.y, g.width, g.height);
    }
  }
  return shown;
}

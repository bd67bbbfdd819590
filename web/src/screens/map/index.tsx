import {
  type KeyboardEvent,
  memo,
  type PointerEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.js';
import { Text } from '../../components/Text.js';
import { formatDate, formatNumber } from '../../i18n/index.js';
import { drawBase, drawTracks, prepare, type World } from './draw.js';
import './map.css';
import { PLACES, type Place, placeName } from './names.js';
import { REPLAY_MS, type TrackMessage, type TrackState, TrackStore } from './tracks.js';
import { HOME, panBy, projectionFor, type View, zoomBy } from './view.js';

/** The list beside the map shows the newest tracks first, this many at most (its DOM stays small). */
const LIST_MAX = 200;
/**
 * The list follows the stream as updates arrive: a first update after a quiet spell shows at once, a busy
 * stream refreshes it at most this often (1,000 updates a second are folded into a few refreshes).
 */
const LIST_EVERY_MS = 150;
/** Close code of a stream cut because the person changed (R36): signing in again is needed, not a retry. */
const POLICY = 1008;

type Status = { kind: 'connecting' | 'live' } | { kind: 'retry' | 'cut'; reason: string };

async function loadWorld(): Promise<World> {
  // The atlas ships in the package and loads with this screen only (no tile server, no other origin).
  const [{ feature, mesh }, atlas] = await Promise.all([
    import('topojson-client'),
    import('world-atlas/countries-50m.json?url'),
  ]);
  const response = await fetch(atlas.default);
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  // biome-ignore lint/suspicious/noExplicitAny: TopoJSON as the atlas ships it
  const topo = (await response.json()) as any;
  return {
    land: feature(topo, topo.objects.land),
    borders: mesh(topo, topo.objects.countries, (a: unknown, b: unknown) => a !== b),
  };
}

export default function MapScreen() {
  const { t } = useTranslation('map');
  const { person, lang } = useSession();
  const store = useMemo(() => new TrackStore(), []);
  const pending = useRef<TrackMessage[]>([]);
  const box = useRef<HTMLDivElement>(null);
  const base = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 800, h: 560 });
  const [view, setView] = useState<View>(HOME);
  const [world, setWorld] = useState<World | null>(null);
  const [mapError, setMapError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'connecting' });
  const [now, setNow] = useState(() => Date.now());
  /** null: live; else the instant replayed. */
  const [replayAt, setReplayAt] = useState<number | null>(null);
  const [list, setList] = useState<TrackState[]>([]);
  const [count, setCount] = useState(0);
  // What the animation loop reads without restarting.
  const frame = useRef({ view, size, replayAt, drawn: -1 });
  frame.current.view = view;
  frame.current.size = size;
  frame.current.replayAt = replayAt;

  /** Folds the updates received so far into the store (the next frame or list refresh, whichever comes first). */
  const drain = useCallback(() => {
    if (pending.current.length === 0) return;
    const batch = pending.current;
    pending.current = [];
    store.apply(batch);
  }, [store]);
  /** The list and the count, newest first. */
  const publish = useCallback(() => {
    const all = [...store.tracks.values()];
    setCount(all.length);
    all.sort((a, b) => b.path[b.path.length - 1]!.t - a.path[a.path.length - 1]!.t);
    setList(all.slice(0, LIST_MAX));
  }, [store]);
  const listing = useRef<{ at: number; timer?: ReturnType<typeof setTimeout> }>({ at: 0 });
  /** A list refresh for updates just received: now, or LIST_EVERY_MS after the last one. */
  const scheduleList = useCallback(() => {
    const l = listing.current;
    if (l.timer !== undefined) return;
    l.timer = setTimeout(
      () => {
        l.timer = undefined;
        l.at = Date.now();
        drain();
        publish();
      },
      Math.max(0, l.at + LIST_EVERY_MS - Date.now()),
    );
  }, [drain, publish]);
  useEffect(() => () => clearTimeout(listing.current.timer), []);

  useEffect(() => {
    let alive = true;
    loadWorld().then(
      (w) => alive && setWorld(w),
      (e: unknown) => alive && setMapError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      alive = false;
    };
  }, []);

  // The map fills its box.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => {
      const r = e!.contentRect;
      setSize({ w: Math.max(200, Math.round(r.width)), h: Math.max(200, Math.round(r.height)) });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The live tracks the node streams to this person (it decides what they may read, R31).
  useEffect(() => {
    let ws: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wait = 1000;
    let stopped = false;
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(`${scheme}//${window.location.host}/api/v1/tracks/stream?lang=${lang}`);
      setStatus({ kind: 'connecting' });
      ws.onopen = () => {
        wait = 1000;
        setStatus({ kind: 'live' });
      };
      ws.onmessage = (ev) => {
        try {
          pending.current.push(JSON.parse(ev.data as string) as TrackMessage);
          scheduleList();
        } catch {
          // not a track: ignored
        }
      };
      ws.onclose = (ev) => {
        if (stopped) return;
        const reason = ev.reason || String(ev.code);
        if (ev.code === POLICY) {
          setStatus({ kind: 'cut', reason });
          return;
        }
        setStatus({ kind: 'retry', reason });
        timer = setTimeout(connect, wait);
        wait = Math.min(wait * 2, 15_000);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, [lang, scheduleList]);

  // One frame: the updates of the frame folded in at once, the tracks redrawn only when something moved.
  useEffect(() => {
    let raf = 0;
    let lastDraw = '';
    const loop = () => {
      raf = requestAnimationFrame(loop);
      drain();
      const f = frame.current;
      const at = f.replayAt ?? Date.now();
      // Live, stale tracks drop off as time passes: redraw at least once a second.
      const key = `${store.version}|${f.view.center}|${f.view.zoom}|${f.size.w}x${f.size.h}|${f.replayAt ?? Math.floor(at / 1000)}`;
      if (key === lastDraw || !overlay.current) return;
      lastDraw = key;
      const ctx = prepare(overlay.current, f.size.w, f.size.h);
      const p = projectionFor(f.view, f.size.w, f.size.h);
      f.drawn = drawTracks(ctx, p, store.tracks.values(), at, f.size.w, f.size.h);
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, [store, drain]);

  // The slider's range once a second; tracks older than the replay window leave the list.
  useEffect(() => {
    const tick = () => {
      const n = Date.now();
      store.prune(n);
      setNow(n);
      publish();
    };
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [store, publish]);

  useEffect(() => {
    if (!world || !base.current) return;
    const ctx = prepare(base.current, size.w, size.h);
    drawBase(ctx, projectionFor(view, size.w, size.h), world, size.w, size.h);
  }, [world, view, size]);

  // Wheel zoom needs a listener that may prevent the page from scrolling.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const f = frame.current;
      setView((v) =>
        zoomBy(v, e.deltaY < 0 ? 1.25 : 0.8, f.size.w, f.size.h, [e.clientX - r.left, e.clientY - r.top]),
      );
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const drag = useRef<{ x: number; y: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    drag.current = { x: e.clientX, y: e.clientY };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    drag.current = { x: e.clientX, y: e.clientY };
    setView((v) => panBy(v, dx, dy, size.w, size.h));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = 60;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const m = moves[e.key];
    if (m) setView((v) => panBy(v, m[0], m[1], size.w, size.h));
    else if (e.key === '+' || e.key === '=') setView((v) => zoomBy(v, 1.5, size.w, size.h));
    else if (e.key === '-' || e.key === '_') setView((v) => zoomBy(v, 1 / 1.5, size.w, size.h));
    else if (e.key === '0') setView(HOME);
    else return;
    e.preventDefault();
  };

  const projection = projectionFor(view, size.w, size.h);
  const from = now - REPLAY_MS;
  const at = replayAt ?? now;
  const statusText =
    status.kind === 'retry' || status.kind === 'cut'
      ? t(`status.${status.kind}`, { reason: status.reason })
      : t(`status.${status.kind}`);

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="map-status" role="status">
        {statusText}
      </p>
      <div className="map-layout">
        <section aria-label={t('region')} className="map-region">
          <div className="map-tools">
            <button type="button" onClick={() => setView((v) => zoomBy(v, 1.5, size.w, size.h))}>
              {t('zoomIn')}
            </button>
            <button type="button" onClick={() => setView((v) => zoomBy(v, 1 / 1.5, size.w, size.h))}>
              {t('zoomOut')}
            </button>
            <button type="button" onClick={() => setView(HOME)}>
              {t('reset')}
            </button>
            <span id="map-keys">{t('keys')}</span>
          </div>
          <div
            ref={box}
            className="map-box"
            role="img"
            aria-label={t('image', {
              n: formatNumber(frame.current.drawn < 0 ? count : frame.current.drawn, lang),
            })}
            aria-describedby="map-keys"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the map pans and zooms with the keyboard
            tabIndex={0}
            onKeyDown={onKeyDown}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
          >
            <canvas ref={base} style={{ width: size.w, height: size.h }} />
            <canvas ref={overlay} style={{ width: size.w, height: size.h }} />
            <svg width={size.w} height={size.h} aria-hidden="true">
              {(Object.keys(PLACES) as Place[]).map((place) => {
                const q = projection(PLACES[place]);
                if (!q) return null;
                return (
                  <text key={place} x={q[0]} y={q[1]} className={`map-name map-${place}`}>
                    {placeName(place, person.party, lang)}
                  </text>
                );
              })}
            </svg>
            {!world && !mapError && <p className="map-loading">{t('loadingMap')}</p>}
          </div>
          {mapError && <p role="alert">{t('mapFailed', { message: mapError })}</p>}
          {/* The names the map shows, for those who cannot see it. */}
          <p className="visually-hidden">
            {(Object.keys(PLACES) as Place[]).map((place) => placeName(place, person.party, lang)).join(', ')}
          </p>
        </section>
        <div className="map-side">
          <div className="map-time">
            <label htmlFor="map-time">{t('time')}</label>
            <input
              id="map-time"
              type="range"
              min={from}
              max={now}
              step={1000}
              value={Math.max(from, Math.min(now, at))}
              aria-valuetext={formatDate(new Date(at).toISOString(), lang)}
              onChange={(e) => {
                const v = Number(e.target.value);
                setReplayAt(v >= now - 1000 ? null : v);
              }}
            />
            <p>
              {replayAt === null
                ? t('live')
                : t('replaying', { time: formatDate(new Date(replayAt).toISOString(), lang) })}
            </p>
            {replayAt !== null && (
              <button type="button" onClick={() => setReplayAt(null)}>
                {t('backToLive')}
              </button>
            )}
          </div>
          <h2 id="tracks-heading">{t('count', { n: formatNumber(count, lang) })}</h2>
          {list.length === 0 && <p>{t('none')}</p>}
          <ul aria-label={t('tracks')} className="map-tracks">
            {list.map((s) => (
              <TrackItem key={s.uid} uid={s.uid} last={s.last} sentTo={s.sentTo.join(', ')} />
            ))}
          </ul>
          {count > list.length && <p>{t('more', { n: formatNumber(count - list.length, lang) })}</p>}
        </div>
      </div>
    </>
  );
}

/**
 * One track of the list. Its props change only when the track does (a new message, a new party), so a refresh
 * renders again only the tracks that moved.
 */
const TrackItem = memo(function TrackItem({
  uid,
  last,
  sentTo,
}: {
  uid: string;
  last: TrackMessage;
  sentTo: string;
}) {
  const { t } = useTranslation('map');
  const { lang } = useSession();
  const coord = (n: number) => formatNumber(Math.round(n * 100) / 100, lang);
  return (
    <li>
      <Text text={uid} className="map-uid" /> · <code>{last.type}</code>
      <br />
      {sentTo ? t('sentTo', { parties: sentTo }) : t('sentToNone')}
      {last.flow && last.flow.length > 1 && <> · {t('via', { flow: last.flow.join(' → ') })}</>}
      <br />
      <Text text={last.label.banner} className="map-banner" />
      {last.launch && (
        <>
          <br />
          {t('launch', { lat: coord(last.launch.lat), lon: coord(last.launch.lon) })}
        </>
      )}
      {last.impact && (
        <>
          <br />
          {t('impact', { lat: coord(last.impact.lat), lon: coord(last.impact.lon) })}
        </>
      )}
    </li>
  );
});

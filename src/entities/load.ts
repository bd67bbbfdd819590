import { readFileSync } from 'node:fs';
import type { GazetteerEntry } from './finder.js';

const PATH = new URL('../../data/gazetteer/gazetteer.json', import.meta.url);

/** The gazetteer shipped in `data/gazetteer/`. */
export function loadGazetteer(): GazetteerEntry[] {
  return (JSON.parse(readFileSync(PATH, 'utf8')) as { entries: GazetteerEntry[] }).entries;
}

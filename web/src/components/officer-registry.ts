import { useLoad } from './officer-load.js';

/** The registry in its source document form, as `GET /api/v1/registry` serves it (parties, agreements). */
export interface RegistryLevel {
  id: string;
  rank: number;
  native: string;
  romanised: string;
  en: string;
}
export interface RegistryParty {
  code: string;
  name: Record<string, string>;
  levels: RegistryLevel[];
  /** Legal designations that sit in a tier beside a level (Japan's 特定秘密), named like levels. */
  designations?: Omit<RegistryLevel, 'rank'>[];
}
export interface RegistryAgreement {
  id: string;
  title: string;
  parties: string[];
  kind: string;
  hub: string | null;
  timeZone: string;
  termYears: number | null;
  noticeDays: number | null;
  table: { tier: string; levels: Record<string, string[]> }[];
  events: { type: string; date: string; by?: string; note?: string }[];
}
export interface RegistryDocument {
  parties: RegistryParty[];
  agreements: RegistryAgreement[];
}

/** The node's registry; the document may come bare or under `registry`. */
export function useRegistry(): { registry: RegistryDocument | undefined; error: unknown } {
  const { data, error } = useLoad<RegistryDocument | { registry: RegistryDocument }>('/registry');
  const registry = data && 'registry' in data ? data.registry : data;
  return { registry, error };
}

/** The language a party's native level names are written in. */
export const NATIVE_LANG: Record<string, string> = { KOR: 'ko', JPN: 'ja', USA: 'en' };

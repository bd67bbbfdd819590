import { ApiError, del, get, post } from '../../api/client.js';
import { isLang, type Lang } from '../../i18n/index.js';

/** The person's daily brief subscription, as `GET /api/v1/brief/subscription` answers it. */
export interface Subscription {
  email: string;
  /** HH:MM in `timeZone`. */
  time: string;
  timeZone: string;
  lang: Lang;
  /** None: every topic. */
  topics: string[];
  /** Nothing is sent while it is pending: the person confirms it from the e-mail first. */
  state: 'pending' | 'confirmed';
  requestedAt: string;
  confirmedAt?: string;
}

/** What the form holds and `POST /api/v1/brief/subscription` takes (every field required, `[]` = all topics). */
export interface BriefForm {
  email: string;
  time: string;
  timeZone: string;
  lang: Lang;
  topics: string[];
}

/** The person's subscription, or null when they have none (the node answers 404). */
export async function readSubscription(): Promise<Subscription | null> {
  try {
    return await get<Subscription>('/brief/subscription');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Subscribes, or replaces the subscription held: the node answers it pending until the e-mail is confirmed. */
export function subscribe(form: BriefForm): Promise<Subscription> {
  const { email, time, timeZone, lang, topics } = form;
  return post<Subscription>('/brief/subscription', { email: email.trim(), time, timeZone, lang, topics });
}

export function unsubscribe(): Promise<void> {
  return del<void>('/brief/subscription');
}

/** The topics of the node's feeds: what a brief can be kept to. */
export async function briefTopics(): Promise<string[]> {
  return (await get<{ topics: string[] }>('/brief/topics')).topics;
}

/** The browser's own time zone, the form's default. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The zones to choose from: the browser's list, with the one chosen always among them (UTC may be missing). */
export function timeZones(chosen: string): string[] {
  let all: string[];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  return all.includes(chosen) ? all : [chosen, ...all];
}

/** The form for a person: their subscription's values, else their browser's zone, their page's language, all topics. */
export function formFor(held: Subscription | null, pageLang: Lang, zone = browserTimeZone()): BriefForm {
  if (held) {
    return {
      email: held.email,
      time: held.time,
      timeZone: held.timeZone,
      lang: isLang(held.lang) ? held.lang : pageLang,
      topics: [...held.topics],
    };
  }
  return { email: '', time: '07:00', timeZone: zone, lang: pageLang, topics: [] };
}

/** What is wrong with the form before it is sent (the node checks it again), or null. */
export function formProblem(form: BriefForm): 'email' | 'time' | null {
  if (!/^[^\s@]+@[^\s@]+$/.test(form.email.trim())) return 'email';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.time)) return 'time';
  return null;
}

import { seed } from '../api/client.js';
import type { Person } from './session.js';

/**
 * What the node sent with the page (its health, the tab's session, the first screen's answers), read once.
 * The node gathers them through its own API with the tab's own cookie; what is absent the page asks for.
 */
export interface Boot {
  healthz?: { party?: string; timeZone?: string };
  /** Null: the tab is signed out. Absent: the page asks. */
  session?: { csrf: string; person: Person } | null;
  answers?: Record<string, unknown>;
}

export function readBoot(): Boot {
  const element = document.getElementById('relto-boot');
  if (!element?.textContent) return {};
  try {
    const boot = JSON.parse(element.textContent) as Boot;
    seed(boot.answers ?? {});
    return boot;
  } catch {
    return {}; // the page asks for everything itself
  } finally {
    element.remove(); // the CSRF value stays in memory only, as a fetched session's does
  }
}

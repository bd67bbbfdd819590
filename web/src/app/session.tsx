import { createContext, useContext } from 'react';
import type { Lang } from '../i18n/index.js';

/** The signed-in person, as `GET /api/v1/session` answers. */
export interface Person {
  name: string;
  party: string;
  clearance: string;
  roles: string[];
  lang: Lang | null;
}

export interface Session {
  person: Person;
  lang: Lang;
  setLang: (lang: Lang) => void;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in workspace');
  return session;
}

import { Type } from '@sinclair/typebox';
import { documented } from '../openapi.js';

/** The signed-in person, their bearer token and their web session. */

export const Token = documented(
  Type.Object({ token: Type.String(), expiresAt: Type.String() }),
  'a bearer token and when it expires',
  { token: 'rt_4q0Jx5oW2cVv3N7kJ9sTfA', expiresAt: '2026-03-02T09:25:00.000Z' },
);

const LangChoice = Type.Union([Type.String(), Type.Null()], {
  description: "the language the person chose for the web workspace (ko, ja, en), or null: their nation's",
});

export const Me = documented(
  Type.Object({
    name: Type.String(),
    party: Type.String(),
    clearance: Type.String(),
    roles: Type.Array(Type.String()),
    designations: Type.Optional(Type.Array(Type.String())),
    lang: LangChoice,
  }),
  'the signed-in person',
  { name: 'analyst', party: 'KOR', clearance: 'II', roles: ['analyst'], lang: 'ko' },
);

/** `POST /api/v1/session`: a name and password sign a browser in; no body (with HTTP Basic) issues a token. */
export const SignInBody = documented(
  Type.Object(
    {
      user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      password: Type.Optional(Type.String({ maxLength: 1024 })),
    },
    { additionalProperties: false },
  ),
  'a name and password sign a browser in (the session cookie); an empty body with HTTP Basic issues a bearer token',
  { user: 'analyst', password: 'analyst-password' },
);

export const SessionPerson = Type.Object({
  name: Type.String(),
  party: Type.String(),
  clearance: Type.String(),
  roles: Type.Array(Type.String()),
  lang: LangChoice,
});

export const WebSession = documented(
  Type.Object({
    csrf: Type.String({ description: 'send it as X-Relto-CSRF with every change this session makes' }),
    person: SessionPerson,
  }),
  'a web session: the cookie relto_session is set (HttpOnly, SameSite=Strict)',
  {
    csrf: 'kq9bS2tq4F0xR1yZ7mC3nP8wV5hJ6dL0aE2uT4iO9gY',
    person: { name: 'analyst', party: 'KOR', clearance: 'II', roles: ['analyst'], lang: null },
  },
);

export const MeBody = documented(
  Type.Object(
    { lang: Type.String({ description: 'ko, ja or en (anything else is refused UNSUPPORTED_LANGUAGE)' }) },
    { additionalProperties: false },
  ),
  "the person's own settings: the language of the web workspace",
  { lang: 'ja' },
);

/** What a sign-in answers: a web session for `{"user", "password"}`, a bearer token for HTTP Basic. */
export const SignedIn = documented(
  Type.Union([WebSession, Token]),
  'a web session (the cookie is set) for a name and password, or a bearer token for HTTP Basic',
  {
    csrf: 'kq9bS2tq4F0xR1yZ7mC3nP8wV5hJ6dL0aE2uT4iO9gY',
    person: { name: 'analyst', party: 'KOR', clearance: 'II', roles: ['analyst'], lang: null },
  },
);

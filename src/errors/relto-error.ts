import { type ErrorCode, errorCodes } from './codes.js';

/** The one error type relto throws on purpose; `path` is a JSON Pointer into the offending input. */
export class ReltoError extends Error {
  readonly code: ErrorCode;
  readonly path: string;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, path = '', details?: unknown) {
    super(message ?? errorCodes[code].message);
    this.name = 'ReltoError';
    this.code = code;
    this.path = path;
    this.details = details;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  get exitCode(): number {
    return errorCodes[this.code].exit;
  }

  /** The JSON form the API and the CLI both print: `{"error": {"code", "message", "path"}}`. */
  toJSON(): { error: { code: ErrorCode; message: string; path: string; details?: unknown } } {
    const error: { code: ErrorCode; message: string; path: string; details?: unknown } = {
      code: this.code,
      message: this.message,
      path: this.path,
    };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

/** Escapes one JSON Pointer reference token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON Pointer from reference tokens. */
export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${pointerToken(t)}`).join('');
}

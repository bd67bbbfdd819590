import { ReltoError } from '../errors/index.js';

/** `HOST:PORT` (IPv6 as `[::1]:7410`) of --http and --exchange. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    throw new ReltoError('INVALID_ARGUMENT', `--http takes HOST:PORT, not ${text}`, '/http');
  return { host: (m[1] ?? m[2])!, port };
}

/** True for a host that only this machine reaches (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

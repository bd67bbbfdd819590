import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReltoError } from '../errors/index.js';
import { sha256Hex } from './hash.js';
import { DNS_NAMESPACE, isUuid, RELTO_NAMESPACE, uuidv5 } from './uuid.js';

describe('uuidv5', () => {
  it("gives RFC 9562's DNS-namespace vector for www.example.com", () => {
    expect(uuidv5('www.example.com', DNS_NAMESPACE)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('reproduces the fixed identity ids of relto-stix-objects.json from the party codes (contracts §6)', () => {
    const bundle = JSON.parse(
      readFileSync(new URL('../../data/relto-stix-objects.json', import.meta.url), 'utf8'),
    ) as { objects: { type: string; id: string; x_relto_party?: string; name: string }[] };
    const parties = bundle.objects.filter((o) => o.type === 'identity' && o.x_relto_party);
    expect(parties.map((o) => o.x_relto_party).sort()).toEqual(['JPN', 'KOR', 'USA']);
    for (const o of parties) {
      expect(o.id).toBe(`identity--${uuidv5(o.x_relto_party!, RELTO_NAMESPACE)}`);
    }
    // The publisher identity is the UUIDv5 of the name "relto" in the same namespace.
    const relto = bundle.objects.find((o) => o.type === 'identity' && o.name === 'relto')!;
    expect(relto.id).toBe(`identity--${uuidv5('relto', RELTO_NAMESPACE)}`);
  });

  it('sets version 5 and the RFC variant bits', () => {
    const u = uuidv5('anything at all', RELTO_NAMESPACE);
    expect(isUuid(u)).toBe(true);
    expect(u[14]).toBe('5');
    expect('89ab').toContain(u[19]);
  });

  it('differs by namespace and by name', () => {
    expect(uuidv5('KOR', DNS_NAMESPACE)).not.toBe(uuidv5('KOR', RELTO_NAMESPACE));
    expect(uuidv5('KOR', RELTO_NAMESPACE)).not.toBe(uuidv5('JPN', RELTO_NAMESPACE));
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidv5('x', 'not-a-uuid')).toThrow(ReltoError);
  });
});

describe('sha256', () => {
  it('hashes the empty string to the FIPS 180-4 value', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

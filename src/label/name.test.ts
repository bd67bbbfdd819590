import { describe, expect, it } from 'vitest';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { nameContradiction } from './name.js';

const registry = compileRegistry(loadBuiltinRegistry());
const label = (originator: string, classification: string) => ({ originator, classification });

describe('a marking name that contradicts its label', () => {
  it('is none when the name says the label’s own level, in any of its names, or no level at all', () => {
    expect(nameContradiction(registry, label('KOR', 'II'), '군사II급비밀')).toBeNull();
    expect(nameContradiction(registry, label('KOR', 'II'), 'Gunsa 2-geup bimil // KOR')).toBeNull();
    expect(nameContradiction(registry, label('USA', 'TS'), 'TOP SECRET//REL TO KOR, JPN')).toBeNull();
    expect(nameContradiction(registry, label('JPN', 'GOKUHI'), '極秘')).toBeNull();
    expect(nameContradiction(registry, label('USA', 'S'), 'Launch reporting label')).toBeNull();
  });

  it('names the other level a name says: higher, lower, or unclassified on a classified label', () => {
    expect(nameContradiction(registry, label('USA', 'S'), 'TOP SECRET')).toBe('TOP SECRET');
    expect(nameContradiction(registry, label('USA', 'TS'), 'secret')).toBe('secret');
    expect(nameContradiction(registry, label('KOR', 'II'), '군사III급비밀')).toBe('군사III급비밀');
    expect(nameContradiction(registry, label('JPN', 'KIMITSU'), '秘')).toBe('秘');
    expect(nameContradiction(registry, label('KOR', 'II'), 'TLP:CLEAR')).toBe('TLP:CLEAR');
    expect(nameContradiction(registry, label('USA', 'S'), 'Unclassified')).toBe('Unclassified');
  });

  it('reads whole words only: a level name inside another word is not a claim', () => {
    // 秘 (HI) inside 秘密 ("secret", the common word) on a 機密 label; "secretariat" on a TOP SECRET label.
    expect(nameContradiction(registry, label('JPN', 'KIMITSU'), '機密 秘密文書')).toBeNull();
    expect(nameContradiction(registry, label('USA', 'TS'), 'TOP SECRET secretariat copy')).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedValidators } from './validators.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the generated validators', () => {
  for (const file of generatedValidators()) {
    it(`${file.path} is what the schemas give now (else run npm run generate)`, () => {
      const committed = readFileSync(root + file.path, 'utf8');
      expect(committed === file.text, `${file.path} is stale: run npm run generate`).toBe(true);
    });
  }

  it('need neither Ajv nor TypeBox at run time', () => {
    for (const file of generatedValidators()) {
      expect(file.text).not.toMatch(/from ['"](ajv|@sinclair\/typebox)['"/]|require\(/);
    }
  });
});

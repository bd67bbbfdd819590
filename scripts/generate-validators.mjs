// Rewrites the generated validators (src/**/*.generated.ts) from the TypeBox schemas.
// Run `npm run generate` (it builds first: this reads the compiled generator in dist/).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedValidators } from '../dist/codegen/validators.js';

const root = fileURLToPath(new URL('../', import.meta.url));
for (const file of generatedValidators()) {
  writeFileSync(root + file.path, file.text);
  console.log(`wrote ${file.path}`);
}

import { fullFormats } from 'ajv-formats/dist/formats.js';

/** The formats the generated label validator calls (label-validator.generated.ts): RFC 3339 date-time. */
export const formats = { 'date-time': fullFormats['date-time'] };

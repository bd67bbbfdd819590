import { Type } from '@sinclair/typebox';

/*
 * The JSON Schema of the value under the relto label extension (contracts §6), which the extension
 * definition's `schema` names: data/relto-label.schema.json, shipped with the package, is this schema
 * written out (a test keeps the two equal). It describes the label in its normal form: snake_case, every
 * list sorted and de-duplicated (uniqueItems; the order is relto's to check), empty lists and objects left
 * out; or a receiver-equivalent alternative label.
 */

/** Where the shipped schema file sits, relative to the package root. */
export const LABEL_SCHEMA_FILE = 'data/relto-label.schema.json';

const Party = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3 code of a party' });
const Level = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,32}$',
  description: "a level id of the party's national classification scheme",
});
const Values = Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true });
const Categories = (description: string) =>
  Type.Record(Type.String({ minLength: 1 }), Values, { minProperties: 1, description });
const ExtensionType = Type.Literal('property-extension');

const OriginatorLabel = Type.Object(
  {
    extension_type: ExtensionType,
    originator: Party,
    classification: Level,
    releasable_to: Type.Optional(
      Type.Array(Party, {
        minItems: 1,
        uniqueItems: true,
        description: 'the parties that may read it (absent: the originator only)',
      }),
    ),
    restrictive: Type.Optional(
      Categories('need-to-know categories (e.g. Compartment) and designations (Designation)'),
    ),
    informative: Type.Optional(Categories('categories never used for access')),
    caveats: Type.Optional(
      Type.Array(Type.Union([Type.Literal('NOFORN'), Type.Literal('ORCON')]), {
        minItems: 1,
        uniqueItems: true,
      }),
    ),
    topics: Type.Optional(Values),
    purpose: Type.Optional(Type.String({ minLength: 1, description: 'compared exactly' })),
  },
  { additionalProperties: false, title: 'relto label' },
);

const AlternativeLabel = Type.Object(
  {
    extension_type: ExtensionType,
    alternative_of: Type.String({
      pattern:
        '^marking-definition--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
      description: "the originator's marking-definition",
    }),
    party: Party,
    classification: Level,
    agreement: Type.String({ minLength: 1, description: 'the agreement the equivalence comes from' }),
  },
  { additionalProperties: false, title: 'relto receiver-equivalent label' },
);

/** The schema, built with TypeBox (the one definition). */
export const LabelExtensionSchema = Type.Union([OriginatorLabel, AlternativeLabel], {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'relto confidentiality label',
  description:
    'The value under the relto label extension of a marking-definition: a label in its normal form ' +
    '(lists sorted and de-duplicated, empty lists and objects left out), or a receiver-equivalent label.',
});

/** The schema as plain JSON: what data/relto-label.schema.json holds. */
export function labelExtensionJsonSchema(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(LabelExtensionSchema)) as Record<string, unknown>;
}

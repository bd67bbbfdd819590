import { Type } from '@sinclair/typebox';
import { Label } from '../../label/schema.js';
import { documented } from '../openapi.js';
import { ReleaseRequest } from './release-schemas.js';
import { EXAMPLE_ITEM_ID, EXAMPLE_MARKING, StixObject } from './shared-schemas.js';

/** What the analyst's screens ask of the node beyond the item routes: labels as STIX, an item's releases. */

/** A label as the editor sends it (consents are not part of a marking: they travel as signed records). */
const LabelInput = Type.Omit(Label, ['consents'], { additionalProperties: false });

export const LabelsBody = Type.Object(
  {
    labels: Type.Array(LabelInput, {
      minItems: 1,
      maxItems: 1000,
      description: 'labels in the JSON form of a label (camelCase), one per paragraph or the title',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        labels: [
          { originator: 'KOR', classification: 'II', releasableTo: ['KOR', 'JPN'], topics: ['DPRK-MISSILE'] },
        ],
      },
    ],
  },
);

export const LabelsAnswer = documented(
  Type.Object({
    markings: Type.Array(StixObject, {
      description:
        'the marking-definition of each label, in the order given, with the id every node gives it',
    }),
  }),
  "each label's marking-definition in normal form, to post beside the objects it marks",
  { markings: [EXAMPLE_MARKING] },
);

export const ItemReleases = documented(
  Type.Object({ requests: Type.Array(ReleaseRequest) }),
  'the release requests that name this item, oldest first',
  {
    requests: [
      {
        id: 'release-request--5b0c3f0e-8a57-4a36-a1d4-3c6f1e7b2a90',
        item: EXAMPLE_ITEM_ID,
        to: 'JPN',
        by: 'analyst',
        at: '2026-03-01T09:00:00.000Z',
        status: 'delivered',
      },
    ],
  },
);

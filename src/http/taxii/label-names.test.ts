import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelToMarking } from '../../stix/index.js';
import { KOR_IDENTITY, SECRET_LABEL, secretReport } from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { closing, realNode } from '../test-support/nodes.js';

/*
 * A label marking-definition as other STIX tools write one: with a `name`, a `description`, references.
 * Found by a new user: relto refused such a label with 422 ("a relto label marking has no name").
 */

type Obj = Record<string, unknown> & { id: string; type: string };

let h: Harness;

beforeAll(async () => {
  h = await harness(closing(await realNode('sqlite')));
});
afterAll(async () => {
  await h?.close();
  await h?.node.close();
});

/** A report on KOR's SECRET-tier label (KOR II), the label written as another tool writes it. */
function withNamedLabel(extra: Record<string, unknown>): Obj[] {
  const normal = labelToMarking(SECRET_LABEL) as unknown as Obj;
  return [{ ...normal, ...extra }, secretReport(9) as Obj];
}

describe('a label marking with the optional STIX properties other tools write', () => {
  it('is accepted with a name that says its own level, a description and references; relto serves it back in its normal form', async () => {
    const [marking, report] = withNamedLabel({
      name: '군사II급비밀',
      description: 'Exported by our STIX tool',
      external_references: [{ source_name: 'relto', external_id: 'KOR-II' }],
    });
    const res = await h.postTaxii('analyst', [marking, report]);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'complete', failure_count: 0 });
    const got = await h.taxii('analyst', `${h.objectsUrl}${marking!.id}/`);
    expect(got.statusCode, got.body).toBe(200);
    const [served, ...others] = got.json().objects as Obj[];
    expect(others).toEqual([]);
    expect(served).toEqual(labelToMarking(SECRET_LABEL));
    expect(served).not.toHaveProperty('name');
    expect(served!.created_by_ref).toBe(KOR_IDENTITY);
  });

  it('is refused with 422 naming the name when it says another level, and nothing of the post is stored', async () => {
    const [marking, report] = withNamedLabel({ name: 'UNCLASSIFIED' });
    const res = await h.postTaxii('analyst', [marking, report]);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().description).toMatch(/name says UNCLASSIFIED, but its label is KOR II/);
    const got = await h.taxii('analyst', `${h.objectsUrl}${report!.id}/`);
    expect(got.statusCode).toBe(404);
  });
});

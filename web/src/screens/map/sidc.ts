/**
 * The CoT type → MIL-STD-2525B symbol code rule of the CoT type table `@tak-ps/node-cot` carries
 * (lib/types/cot-types.xml, MITRE's CoTtypes.xml): an atom's type is `a-<affiliation>-<dimension>-<function…>`,
 * its upper-case letters "taken directly from the mil-std-2525 type hierarchy". node-cot 12 ships that table as
 * XML read with node:fs and no function applying it, so the rule is applied here (no table of our own): scheme
 * S, the affiliation and battle dimension upper-cased, status P (present), the function letters padded to six,
 * and no modifiers — 15 characters as milsymbol reads them.
 */

/** CoT's affiliation letters (a-f-…, a-h-…): 2525B's, lower-cased (O: none specified). */
const AFFILIATIONS = 'fhupansjko';

export function sidcOf(cotType: string): string | null {
  const parts = cotType.split('-');
  if (parts[0] !== 'a' || parts.length < 3) return null;
  const affiliation = parts[1]!;
  const dimension = parts[2]!;
  if (affiliation.length !== 1 || !AFFILIATIONS.includes(affiliation) || !/^[A-Z]$/.test(dimension))
    return null;
  // Function letters are single upper-case letters; lower-case CoT extensions have no 2525 code.
  const fn: string[] = [];
  for (const p of parts.slice(3)) {
    if (!/^[A-Z]$/.test(p) || fn.length === 6) break;
    fn.push(p);
  }
  return `S${affiliation.toUpperCase()}${dimension}P${fn.join('').padEnd(6, '-')}-----`;
}

/**
 * The properties a STIX 2.1 object cannot lose and stay valid (STIX 2.1 §4–§6 and the OASIS schemas):
 * redaction that would withhold one of them makes the object absent for that reader instead.
 */

const SDO_COMMON = ['type', 'spec_version', 'id', 'created', 'modified'];
const SCO_COMMON = ['type', 'id'];

/** Properties required by each type beside its common ones. */
const BY_TYPE: Record<string, readonly string[]> = {
  'attack-pattern': ['name'],
  campaign: ['name'],
  'course-of-action': ['name'],
  grouping: ['context', 'object_refs'],
  identity: ['name'],
  incident: ['name'],
  indicator: ['pattern', 'pattern_type', 'valid_from'],
  infrastructure: ['name'],
  'intrusion-set': ['name'],
  location: [],
  malware: ['is_family'],
  'malware-analysis': ['product'],
  note: ['content', 'object_refs'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed'],
  opinion: ['opinion', 'object_refs'],
  report: ['name', 'published', 'object_refs'],
  'threat-actor': ['name'],
  tool: ['name'],
  vulnerability: ['name'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  sighting: ['sighting_of_ref'],
  'language-content': ['object_ref', 'contents'],
  'extension-definition': ['created_by_ref', 'name', 'schema', 'version', 'extension_types'],
  'marking-definition': [],
  // Cyber-observables (SCOs).
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  software: ['name'],
  url: ['value'],
};

const SCO_TYPES = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

/**
 * Groups of which at least one must remain (STIX "at least one of"); a member of a group counts as
 * required when it is the last one present.
 */
const AT_LEAST_ONE: Record<string, readonly (readonly string[])[]> = {
  // location: region, country, or latitude with longitude.
  location: [['region', 'country', 'latitude']],
  'observed-data': [['objects', 'object_refs']],
  'malware-analysis': [['result', 'analysis_sco_refs']],
  file: [['hashes', 'name']],
  'network-traffic': [['src_ref', 'dst_ref']],
};

/** Relto never lets markings themselves be withheld: the object would lose its floor or its marks. */
const NEVER_WITHHELD = ['object_marking_refs', 'granular_markings'];

/** True when withholding top-level `property` of `object` would leave an invalid object. */
export function isRequiredProperty(object: Record<string, unknown>, property: string): boolean {
  const type = String(object.type);
  if (NEVER_WITHHELD.includes(property)) return true;
  const common = SCO_TYPES.has(type) ? SCO_COMMON : SDO_COMMON;
  if (common.includes(property) || (BY_TYPE[type] ?? []).includes(property)) return true;
  // Latitude and longitude go together.
  if (type === 'location' && property === 'longitude') return isRequiredProperty(object, 'latitude');
  for (const group of AT_LEAST_ONE[type] ?? []) {
    if (!group.includes(property)) continue;
    const others = group.filter((p) => p !== property && object[p] !== undefined);
    if (others.length === 0) return true;
  }
  return false;
}

/** The required properties of a type (common ones included), for documentation and tests. */
export function requiredProperties(type: string): readonly string[] {
  return [...(SCO_TYPES.has(type) ? SCO_COMMON : SDO_COMMON), ...(BY_TYPE[type] ?? [])];
}

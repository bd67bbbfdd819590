/**
 * What a tree head's signature covers, before canonical encoding: the head with a domain tag, so a head
 * signature can never be mistaken for a signature over any other relto message. Pure (no crypto), so the
 * browser that verifies a head builds the very same body.
 */
export function treeHeadBody(head: {
  rootHash: string;
  timestamp: string;
  treeSize: number;
  origin?: string;
}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: 'relto-tree-head/1',
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    treeSize: head.treeSize,
  };
  if (head.origin !== undefined) body.origin = head.origin;
  return body;
}

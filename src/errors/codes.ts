/**
 * One registry of every stable code relto shows: the reason codes of contracts §4 (a deny's reasons)
 * and the operational error codes of the API and CLI. The HTTP status and exit code travel with the code,
 * so the API and the CLI never disagree about what a code means.
 */
export const reasonCodes = {
  UNKNOWN_PARTY: { rule: 'R1', message: 'a party code is not in the registry' },
  UNKNOWN_LEVEL: { rule: 'R1', message: "a level is not in its party's classification scheme" },
  UNKNOWN_AGREEMENT: { rule: 'R14', message: 'an agreement id is not in the registry' },
  NOT_OFFICIAL: {
    rule: 'R10',
    message: 'the person is not a government official, nor a contractor allowed here',
  },
  CLEARANCE_TOO_LOW: { rule: 'R10', message: "the person's clearance is below the item's level" },
  NEED_TO_KNOW: {
    rule: 'R10',
    message: 'the person lacks a restrictive category value of the item (need-to-know)',
  },
  NOT_RELEASABLE_TO_PARTY: { rule: 'R11', message: 'the party is not in Releasable To and has no consent' },
  NOFORN: { rule: 'R12', message: 'NOFORN items never go to another party' },
  DESIGNATION_REQUIRED: {
    rule: 'R13',
    message: 'the item is designated and the person lacks that eligibility',
  },
  LEVEL_NOT_COVERED: { rule: 'R2', message: "the agreement's table does not cover the item's level" },
  NO_AGREEMENT: { rule: 'R14', message: 'no agreement covers this exchange' },
  OUT_OF_SCOPE: { rule: 'R14', message: "the item's topics are outside the agreement's scope" },
  THIRD_PARTY_CONSENT_REQUIRED: {
    rule: 'R15',
    message: "release to a third party needs the originator's consent",
  },
  ORCON_CONSENT_REQUIRED: { rule: 'R16', message: "ORCON: this action needs the originator's consent" },
  PURPOSE_CONSENT_REQUIRED: {
    rule: 'R17',
    message: "use for another purpose needs the originator's consent",
  },
  ROLE_REQUIRED: { rule: 'R18', message: 'the action needs a role the person does not hold' },
  AGREEMENT_NOT_IN_FORCE: { rule: 'R21', message: 'the agreement does not allow new releases on that date' },
  RELAY_REQUIRED: { rule: 'R24', message: 'this exchange must go through the relay hub' },
} as const;

export type ReasonCode = keyof typeof reasonCodes;

/** Operational errors (not decisions): malformed input, refused operations, missing things. */
export const errorCodes = {
  MALFORMED_REQUEST: { status: 400, exit: 2, message: 'the input does not have the expected form' },
  INVALID_REGISTRY: { status: 400, exit: 2, message: 'the registry is invalid' },
  INVALID_ARGUMENT: { status: 400, exit: 2, message: 'a command-line argument is invalid' },
  UNSUPPORTED_LANGUAGE: { status: 400, exit: 2, message: 'the language asked for is not one of ko, ja, en' },
  METHOD_NOT_ALLOWED: { status: 405, exit: 2, message: 'this address does not take that method' },
  UNKNOWN_AGREEMENT: { status: 404, exit: 2, message: 'no agreement with that id' },
  INVALID_STIX: { status: 400, exit: 2, message: 'the STIX content is invalid' },
  INVALID_LABEL: { status: 400, exit: 2, message: 'a label is invalid or cannot be resolved' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 2, message: 'the media type is not accepted here' },
  NOT_ACCEPTABLE: { status: 406, exit: 2, message: 'no acceptable media type can be served' },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 2, message: 'the body is larger than this node accepts' },
  UNAUTHENTICATED: { status: 401, exit: 1, message: 'sign in first' },
  SESSION_EXPIRED: { status: 401, exit: 1, message: 'the session has expired: sign in again' },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    exit: 1,
    message: 'too many failed sign-ins: wait for the time Retry-After gives, then try again',
  },
  // The web workspace's cookie sessions: a change they make carries X-Relto-CSRF.
  CSRF: {
    status: 403,
    exit: 1,
    message: 'a change made with the session cookie must carry the X-Relto-CSRF value the sign-in gave',
  },
  FORBIDDEN: { status: 403, exit: 1, message: 'the rules do not permit this' },
  NOT_FOUND: { status: 404, exit: 1, message: 'no such thing, or not for you' },
  CONFLICT: { status: 409, exit: 1, message: 'the operation conflicts with the current state' },
  FOREIGN_ORIGINATOR: {
    status: 403,
    exit: 1,
    message:
      "a partner's objects, versions and labels enter this node only through the exchange, signed by their originator",
  },
  PARTNER_EXISTS: {
    status: 409,
    exit: 1,
    message: 'that party is already a partner of this node: replacing its keys must be asked for explicitly',
  },
  FOUR_EYES: {
    status: 403,
    exit: 1,
    message: 'a releasing officer may not approve their own request: another must (four eyes)',
  },
  NODE_NOT_INITIALISED: { status: 500, exit: 2, message: 'the data folder holds no relto node' },
  INTERNAL: { status: 500, exit: 1, message: 'an internal error' },
  NOT_CANONICAL_JSON: {
    status: 400,
    exit: 2,
    message: 'the value cannot be written as RFC 8785 canonical JSON',
  },
  LABEL_ID_MISMATCH: {
    status: 400,
    exit: 2,
    message: "a label marking's id does not match its content (the id is derived from the label)",
  },
  UNPROCESSABLE_CONTENT: {
    status: 422,
    exit: 2,
    message: 'the request is well formed but its objects cannot be processed (invalid STIX or label)',
  },
  NODE_UNREACHABLE: { status: 502, exit: 1, message: 'the node cannot be reached' },
  NOT_IMPLEMENTED: { status: 501, exit: 1, message: 'this operation is not implemented by this node yet' },
  AUDIT_LOG_ALTERED: {
    status: 500,
    exit: 1,
    message: 'the audit log has an altered or missing entry',
  },
  INVALID_PROOF_REQUEST: {
    status: 400,
    exit: 2,
    message: 'the proof asked for does not exist for these sizes',
  },
  INVALID_COT: {
    status: 400,
    exit: 2,
    message: 'the CoT event is refused: malformed, without a point, with bad times, unlabelled or oversize',
  },
  BUS_UNAVAILABLE: { status: 503, exit: 1, message: 'the track bus cannot be reached' },
  PORT_IN_USE: { status: 409, exit: 1, message: 'a port to listen on is held by another program' },
  // Release and consent requests (checked when filed, decided once).
  UNKNOWN_PARTY: { status: 404, exit: 2, message: 'no party with that code in the registry' },
  UNDER_REQUIRED: {
    status: 400,
    exit: 2,
    message: 'no agreement between the two parties allows this release: name the agreement to release under',
  },
  NOT_A_PARTNER: { status: 409, exit: 1, message: 'the party is not a partner of this node' },
  ALREADY_DECIDED: {
    status: 409,
    exit: 1,
    message: 'the request was already decided (approved, refused, denied, or consent granted)',
  },
  // Exchange between nodes (contracts §9): why a message or one of its items is refused (and audited).
  BAD_ENCRYPTION: {
    status: 400,
    exit: 1,
    message: 'the message is not a JWE this node can decrypt (ECDH-ES+A256KW / A256GCM to its key)',
  },
  BAD_SIGNATURE: { status: 403, exit: 1, message: "the sending node's signature over the message fails" },
  UNKNOWN_SENDER: { status: 403, exit: 1, message: 'the sending node is not a known partner' },
  WRONG_RECIPIENT: { status: 421, exit: 1, message: 'the message is addressed to another node' },
  REPLAY: { status: 409, exit: 1, message: 'a message with this id was received before (replay)' },
  STALE_MESSAGE: { status: 400, exit: 1, message: "the message's time is outside the accepted window" },
  RETRY_IN_ORDER: {
    status: 503,
    exit: 1,
    message: 'a message before this one on the connection was not receipted: send both again, in order',
  },
  UNKNOWN_ORIGINATOR: {
    status: 422,
    exit: 1,
    message: 'the originator of an item is not a known partner, so its signature cannot be checked',
  },
  BAD_ORIGINATOR_SIGNATURE: {
    status: 422,
    exit: 1,
    message: "the originator's signature does not cover this object (object, proof or signature altered)",
  },
  BAD_PROOF: { status: 422, exit: 1, message: "an item's Merkle inclusion proof is malformed" },
  ORIGINATOR_MISMATCH: {
    status: 422,
    exit: 1,
    message: 'a record was signed by a party other than the one that made it',
  },
  BAD_CONSENT: {
    status: 422,
    exit: 1,
    message: 'a consent record is not signed by the originator, or is not for this item',
  },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * A rule number (`R25`, `R19–R23`) or a spec section (`§7`, `contracts`): what a user reads (help, error
 * messages, API descriptions, WebSocket close reasons) says what a rule means instead. Tests and code
 * comments keep the numbers.
 */
export const RULE_OR_SECTION = /\bR\d{1,2}\b|§|\bcontracts\b|agreement-rules/;

/** What a code means, in words (a partner's refusal names only its code); the code itself when unknown. */
export function codeMeaning(code: string): string {
  return (
    (reasonCodes as Record<string, { message: string }>)[code]?.message ??
    (errorCodes as Record<string, { message: string }>)[code]?.message ??
    code
  );
}

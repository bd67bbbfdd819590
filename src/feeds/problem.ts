/** Why a feed could not be taken in: what `relto feed list` shows as the feed's status. */
export type FeedProblemKind =
  | 'unreachable'
  | 'timeout'
  | 'http-status'
  | 'redirects'
  | 'too-large'
  | 'charset'
  | 'dtd'
  | 'malformed';

/** A feed refused as it stands; nothing of it is stored, and the other feeds go on. */
export class FeedProblem extends Error {
  constructor(
    readonly kind: FeedProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'FeedProblem';
  }
}

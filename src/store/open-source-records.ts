/** The records of the node's open sources: news feeds, the keys their items are known by, and the daily brief. */

/** A news feed the node polls (contracts §11). */
export interface FeedRecord {
  id: string;
  /** An http(s) URL, or a file path. */
  source: string;
  sourceKind: 'url' | 'file';
  /** The feed's own title once read ('' before). */
  title: string;
  everySeconds: number;
  lang: string | null;
  topics: string[];
  etag: string | null;
  lastModified: string | null;
  /** 'new' (never polled), 'ok', or 'failing' (the last poll's problem in `problem`). */
  status: 'new' | 'ok' | 'failing';
  problem: { kind: string; message: string } | null;
  /** Polls failed in a row (the backoff grows with it). */
  failures: number;
  polledAt: string | null;
  nextPollAt: string;
  createdAt: string;
}

export type FeedPatch = Partial<Omit<FeedRecord, 'id' | 'source' | 'sourceKind' | 'createdAt'>>;

/** A key a news item is known by, and the report (and version hash) it became. */
export interface FeedKey {
  key: string;
  reportId: string;
  hash: string;
  feedId: string;
}

/** A person's subscription to the daily brief (contracts §11). */
export interface BriefSubscriptionRecord {
  person: string;
  email: string;
  /** Local time of day the brief is sent, HH:MM. */
  time: string;
  /** IANA time zone the time is in. */
  timeZone: string;
  lang: 'ko' | 'ja' | 'en';
  /** Topics of the news it holds; [] = all. */
  topics: string[];
  /** Nothing but the confirmation is sent while 'pending'. */
  state: 'pending' | 'confirmed';
  /** SHA-256 (hex) of the confirmation token, while pending. */
  confirmHash: string | null;
  confirmExpiresAt: string | null;
  /** The one-click unsubscribe token every brief carries. */
  unsubscribeToken: string;
  requestedAt: string;
  confirmedAt: string | null;
  /** When the next brief is due (confirmed subscriptions). */
  nextSendAt: string | null;
}

export type BriefSubscriptionPatch = Partial<
  Pick<BriefSubscriptionRecord, 'state' | 'confirmHash' | 'confirmExpiresAt' | 'confirmedAt' | 'nextSendAt'>
>;

/** A mail in the outbox: kept until the relay takes it (or refuses it for good). */
export interface MailRecord {
  /** `brief:<person>:<local date>` (one brief per person and day) or `confirm:<person>:<token hash>`. */
  id: string;
  kind: 'brief' | 'confirm';
  person: string;
  recipient: string;
  /** The message as composed (JSON), sent as it is at every attempt. */
  message: string;
  /** 'sending' while a sender holds it, until `nextAttemptAt` (its lease). */
  state: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export type MailPatch = Pick<MailRecord, 'state'> &
  Partial<Pick<MailRecord, 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt'>>;

export {
  BriefDesk,
  type BriefSendResult,
  type BriefService,
  type BriefSettings,
  PUBLIC_URL_META,
} from './desk.js';
export { type DeliveryResult, isPermanentRefusal, type MailTransport } from './outbox.js';
export { type DkimKey, smtpTransport } from './smtp.js';
export type { BriefSubscriptionInput, BriefSubscriptionView } from './subscriptions.js';

export {
  type BriefContent,
  type BriefCount,
  type BriefHeadline,
  type ComposedMail,
  composeBrief,
  composeConfirmation,
  escapeHtml,
  groupHeadlines,
} from './compose.js';
export {
  briefMessage,
  confirmationMessage,
  type MailMessage,
  type MailSender,
  mailDomain,
} from './message.js';
export { isLocalDate, isTimeOfDay, isTimeZone, localDate, nextSendAt } from './schedule.js';
export { type BriefWords, briefWords } from './words.js';

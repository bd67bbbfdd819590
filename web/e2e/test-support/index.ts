// Browser-test support (never shipped, never imported by production code).
export { CHROMIUM, ROOT, startBrowser } from './browser.js';
export {
  type DemoGroup,
  type DemoNode,
  PARTIES,
  type Party,
  type PersonName,
  startDemoGroup,
} from './demo-group.js';
export {
  approveIn,
  openReleaseForm,
  type Paragraph,
  partnerControl,
  queueRow,
  sendControl,
  sendLaunch,
  sendReleaseForm,
  writeReport,
} from './flows.js';
export { LANG_NAMES, LANGS, type Lang, NAMES, NAV, signInNames } from './names.js';
export { at, type PersonContext, personContext, settle, signIn, tabTo, textOf, VIEWPORT } from './person.js';
export { HOSTILE, hostileReport, leakReports, postAs, releasableReport } from './reports.js';
export { type LangMismatch, langMismatches, SCREENS_DIR, screenshot } from './screens.js';

/**
 * The words a rendered label uses, per language. Keys are stable: the web UI reuses them. Level and party
 * names are not here: they are registry data (native names, romanisations, en/ko/ja party names).
 * Placeholders are `{name}`.
 */
export type Lang = 'en' | 'ko' | 'ja';
export const langs: readonly Lang[] = ['en', 'ko', 'ja'];

const en = {
  'label.classification': 'Classification',
  'label.originator': 'Originator',
  'label.original': "Originator's classification",
  /** The original beside the reader's equivalent, in the one-line banner. */
  'label.beside': '[{originator}: {original}]',
  'label.equivalentUnder': 'equivalent under {agreement}',
  'label.notCovered': 'NO EQUIVALENT',
  'label.notCoveredWhy': 'no corresponding classification under {agreement}',
  'label.releasableTo': 'Releasable to',
  'label.relToLine': 'REL TO {parties}',
  'label.originatorOnly': 'originator only',
  'label.caveats': 'Dissemination',
  'label.designation': 'Designation',
  'label.restrictive': 'Need-to-know',
  'label.informative': 'Information',
  'label.topics': 'Topics',
  'label.topicsLine': 'Topics: {topics}',
  'label.purpose': 'Purpose',
  'label.separator': ' // ',
  'label.listSeparator': ', ',
  'caveat.ORCON': 'originator controlled',
  'caveat.NOFORN': 'not releasable to foreign nationals',
  'designation.TOKUTEI': 'specially designated secret',
  'topic.DPRK-MISSILE': 'North Korean missiles',
  'topic.DPRK-NUCLEAR': 'North Korean nuclear programme',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const ko: Messages = {
  'label.classification': '비밀 등급',
  'label.originator': '생산국',
  'label.original': '생산국 원 등급',
  'label.beside': '[{originator}: {original}]',
  'label.equivalentUnder': '{agreement}에 따른 상응 등급',
  'label.notCovered': '상응 등급 없음',
  'label.notCoveredWhy': '{agreement}에 따른 상응 등급이 없음',
  'label.releasableTo': '제공 가능국',
  'label.relToLine': '제공 가능: {parties}',
  'label.originatorOnly': '생산국 한정',
  'label.caveats': '배포 제한',
  'label.designation': '지정',
  'label.restrictive': '취급 제한',
  'label.informative': '참고',
  'label.topics': '주제',
  'label.topicsLine': '주제: {topics}',
  'label.purpose': '제공 목적',
  'label.separator': ' // ',
  'label.listSeparator': ', ',
  'caveat.ORCON': '생산기관 통제',
  'caveat.NOFORN': '외국 제공 금지',
  'designation.TOKUTEI': '특정비밀',
  'topic.DPRK-MISSILE': '북한 미사일',
  'topic.DPRK-NUCLEAR': '북한 핵',
};

const ja: Messages = {
  'label.classification': '秘密区分',
  'label.originator': '作成国',
  'label.original': '作成国の区分',
  'label.beside': '〔{originator}：{original}〕',
  'label.equivalentUnder': '{agreement}に基づく相当区分',
  'label.notCovered': '相当区分なし',
  'label.notCoveredWhy': '{agreement}に基づく相当区分がない',
  'label.releasableTo': '提供可能国',
  'label.relToLine': '提供可能：{parties}',
  'label.originatorOnly': '作成国限り',
  'label.caveats': '配布制限',
  'label.designation': '指定',
  'label.restrictive': '取扱制限',
  'label.informative': '参考',
  'label.topics': '主題',
  'label.topicsLine': '主題：{topics}',
  'label.purpose': '提供目的',
  'label.separator': ' // ',
  'label.listSeparator': '、',
  'caveat.ORCON': '作成元管理',
  'caveat.NOFORN': '外国への提供禁止',
  'designation.TOKUTEI': '特定秘密',
  'topic.DPRK-MISSILE': '北朝鮮のミサイル',
  'topic.DPRK-NUCLEAR': '北朝鮮の核',
};

export const messages: Record<Lang, Messages> = { en, ko, ja };

/** The message for a key in a language, placeholders filled; undefined for a key no table has. */
export function message(lang: Lang, key: string, params: Record<string, string> = {}): string | undefined {
  const text = (messages[lang] as Record<string, string>)[key];
  return text?.replace(/\{(\w+)\}/g, (m, name: string) => params[name] ?? m);
}

/** Like `message` for a key every table has. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string> = {}): string {
  return message(lang, key, params)!;
}

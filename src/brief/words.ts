import type { Lang } from '../label/index.js';

/** What a brief and its confirmation say, in the subscriber's language. */
export interface BriefWords {
  subject: (date: string) => string;
  heading: (party: string, date: string) => string;
  newsHeading: string;
  noNews: string;
  classifiedHeading: string;
  classifiedNote: string;
  noClassified: string;
  countLine: (partner: string, level: string, count: number) => string;
  openWorkspace: string;
  generalTopic: string;
  otherPlaces: string;
  source: string;
  places: string;
  footer: string;
  unsubscribe: string;
  confirmSubject: string;
  confirmBody: (person: string, party: string, time: string, zone: string) => string;
  confirmAction: string;
  confirmExpiry: string;
  confirmIgnore: string;
  confirmed: string;
  confirmedDetail: (time: string, zone: string) => string;
  confirmGone: string;
  unsubscribeTitle: string;
  unsubscribeAsk: string;
  unsubscribed: string;
  unsubscribeGone: string;
}

export const briefWords: Record<Lang, BriefWords> = {
  en: {
    subject: (date) => `relto daily brief, ${date}`,
    heading: (party, date) => `Daily brief of the ${party} node, ${date}`,
    newsHeading: 'Open sources of the last 24 hours',
    noNews: 'No open-source news on your topics in the last 24 hours.',
    classifiedHeading: 'Classified items for you',
    classifiedNote: 'Counts only: open the workspace to read them.',
    noClassified: 'No new classified items for you in the last 24 hours.',
    countLine: (partner, level, count) => `${partner}, ${level}: ${count}`,
    openWorkspace: 'Open the workspace',
    generalTopic: 'General',
    otherPlaces: 'No place named',
    source: 'Source',
    places: 'Places',
    footer: 'You receive this brief because you subscribed to it in relto.',
    unsubscribe: 'Unsubscribe',
    confirmSubject: 'Confirm your relto daily brief',
    confirmBody: (person, party, time, zone) =>
      `${person} of the ${party} node asked for a daily brief at ${time} (${zone}) to this address.`,
    confirmAction: 'Confirm the subscription',
    confirmExpiry: 'The link is valid for 48 hours.',
    confirmIgnore: 'If you did not ask for it, ignore this e-mail: nothing will be sent.',
    confirmed: 'Your daily brief is confirmed.',
    confirmedDetail: (time, zone) => `The first one comes at ${time} (${zone}).`,
    confirmGone: 'This confirmation link is not valid: it expired, was replaced, or was used already.',
    unsubscribeTitle: 'Unsubscribe from the daily brief',
    unsubscribeAsk: 'Stop sending the daily brief to this address?',
    unsubscribed: 'You are unsubscribed: no more briefs will be sent.',
    unsubscribeGone: 'There is no subscription for this link any more.',
  },
  ko: {
    subject: (date) => `relto 일일 브리핑 ${date}`,
    heading: (party, date) => `${party} 노드 일일 브리핑 ${date}`,
    newsHeading: '지난 24시간 공개 출처',
    noNews: '지난 24시간 동안 구독 주제의 공개 출처 뉴스가 없습니다.',
    classifiedHeading: '열람 가능한 비밀 자료',
    classifiedNote: '건수만 표시합니다. 내용은 작업 공간에서 확인하십시오.',
    noClassified: '지난 24시간 동안 새로 열람 가능한 비밀 자료가 없습니다.',
    countLine: (partner, level, count) => `${partner}, ${level}: ${count}건`,
    openWorkspace: '작업 공간 열기',
    generalTopic: '일반',
    otherPlaces: '지명 없음',
    source: '출처',
    places: '장소',
    footer: 'relto에서 이 브리핑을 구독하셨기 때문에 받으셨습니다.',
    unsubscribe: '구독 해지',
    confirmSubject: 'relto 일일 브리핑 구독 확인',
    confirmBody: (person, party, time, zone) =>
      `${party} 노드의 ${person} 님이 이 주소로 매일 ${time}(${zone})에 브리핑을 받도록 신청했습니다.`,
    confirmAction: '구독 확인',
    confirmExpiry: '이 링크는 48시간 동안 유효합니다.',
    confirmIgnore: '신청하지 않으셨다면 이 메일을 무시하십시오. 아무것도 발송되지 않습니다.',
    confirmed: '일일 브리핑 구독이 확인되었습니다.',
    confirmedDetail: (time, zone) => `첫 브리핑은 ${time}(${zone})에 발송됩니다.`,
    confirmGone:
      '유효하지 않은 확인 링크입니다. 만료되었거나, 새 신청으로 대체되었거나, 이미 사용되었습니다.',
    unsubscribeTitle: '일일 브리핑 구독 해지',
    unsubscribeAsk: '이 주소로 일일 브리핑 발송을 중단하시겠습니까?',
    unsubscribed: '구독이 해지되었습니다. 더 이상 브리핑이 발송되지 않습니다.',
    unsubscribeGone: '이 링크의 구독은 더 이상 없습니다.',
  },
  ja: {
    subject: (date) => `relto デイリーブリーフ ${date}`,
    heading: (party, date) => `${party}ノード デイリーブリーフ ${date}`,
    newsHeading: '過去24時間の公開情報',
    noNews: '過去24時間、購読トピックの公開情報ニュースはありません。',
    classifiedHeading: '閲覧できる秘密区分の資料',
    classifiedNote: '件数のみです。内容はワークスペースで確認してください。',
    noClassified: '過去24時間、新たに閲覧できる秘密区分の資料はありません。',
    countLine: (partner, level, count) => `${partner}、${level}：${count}件`,
    openWorkspace: 'ワークスペースを開く',
    generalTopic: '一般',
    otherPlaces: '地名なし',
    source: '出典',
    places: '場所',
    footer: 'relto でこのブリーフを購読しているため、このメールをお送りしています。',
    unsubscribe: '購読を停止',
    confirmSubject: 'relto デイリーブリーフの購読確認',
    confirmBody: (person, party, time, zone) =>
      `${party}ノードの ${person} さんが、このアドレスに毎日 ${time}（${zone}）のブリーフを申し込みました。`,
    confirmAction: '購読を確認する',
    confirmExpiry: 'このリンクの有効期限は48時間です。',
    confirmIgnore: 'お申し込みでない場合は、このメールを無視してください。何も送信されません。',
    confirmed: 'デイリーブリーフの購読が確認されました。',
    confirmedDetail: (time, zone) => `最初のブリーフは ${time}（${zone}）に届きます。`,
    confirmGone: 'この確認リンクは無効です。期限切れ、新しい申し込みによる置き換え、または使用済みです。',
    unsubscribeTitle: 'デイリーブリーフの購読停止',
    unsubscribeAsk: 'このアドレスへのデイリーブリーフの送信を停止しますか？',
    unsubscribed: '購読を停止しました。今後ブリーフは送信されません。',
    unsubscribeGone: 'このリンクの購読はもうありません。',
  },
};

import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: {
    title: 'Inbox',
    loading: 'Loading the inbox…',
    failed: 'The inbox could not be updated: {{message}}',
    count_one: '{{total}} item, {{unread}} unread',
    count_other: '{{total}} items, {{unread}} unread',
    empty: 'Nothing you may read has arrived yet.',
    unread: 'Unread',
    listSeparator: ', ',
    col: { title: 'Title', partner: 'Partner', topic: 'Topic', level: 'Level', date: 'Changed' },
  },
  ko: {
    title: '수신함',
    loading: '수신함을 불러오는 중…',
    failed: '수신함을 갱신하지 못했습니다: {{message}}',
    count_one: '{{total}}건, 읽지 않음 {{unread}}건',
    count_other: '{{total}}건, 읽지 않음 {{unread}}건',
    empty: '열람할 수 있는 자료가 아직 없습니다.',
    unread: '안 읽음',
    listSeparator: ', ',
    col: { title: '제목', partner: '상대국', topic: '주제', level: '등급', date: '변경일' },
  },
  ja: {
    title: '受信箱',
    loading: '受信箱を読み込み中…',
    failed: '受信箱を更新できませんでした: {{message}}',
    count_one: '{{total}}件、未読{{unread}}件',
    count_other: '{{total}}件、未読{{unread}}件',
    empty: '閲覧できる資料はまだ届いていません。',
    unread: '未読',
    listSeparator: '、',
    col: { title: '件名', partner: '相手国', topic: '主題', level: '区分', date: '更新日時' },
  },
};

import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: {
    title: 'Partners',
    intro:
      'The nodes this node exchanges with, where their exchange listens and the fingerprints of the keys it trusts for them. Compare them with the partner’s own before trusting a change.',
    loading: 'Loading…',
    none: 'No partner yet.',
    col: { party: 'Party', endpoint: 'Exchange address', keys: 'Key fingerprints', added: 'Added' },
    key: {
      signing: 'Signing key (Ed25519, thumbprint)',
      encryption: 'Encryption key (X25519, thumbprint)',
      tlsCa: 'TLS certificate authority (SHA-256)',
    },
    kid: 'key id {{kid}}',
    updated: 'keys or address changed {{at}}',
    status: { active: 'Active' },
  },
  ko: {
    title: '상대국',
    intro:
      '이 노드가 교환하는 노드, 그 교환 주소, 그리고 이 노드가 신뢰하는 키의 지문입니다. 변경을 신뢰하기 전에 상대국이 알려 준 지문과 대조하십시오.',
    loading: '불러오는 중…',
    none: '아직 상대국이 없습니다.',
    col: { party: '당사국', endpoint: '교환 주소', keys: '키 지문', added: '추가 일시' },
    key: {
      signing: '서명 키 (Ed25519, 지문)',
      encryption: '암호화 키 (X25519, 지문)',
      tlsCa: 'TLS 인증 기관 (SHA-256)',
    },
    kid: '키 ID {{kid}}',
    updated: '키 또는 주소 변경 {{at}}',
    status: { active: '활성' },
  },
  ja: {
    title: '相手国',
    intro:
      'このノードが交換するノード、その交換アドレス、このノードが信頼する鍵のフィンガープリントです。変更を信頼する前に、相手国から伝えられたものと照合してください。',
    loading: '読み込み中…',
    none: '相手国はまだありません。',
    col: { party: '締約国', endpoint: '交換アドレス', keys: '鍵のフィンガープリント', added: '追加日時' },
    key: {
      signing: '署名鍵（Ed25519、フィンガープリント）',
      encryption: '暗号化鍵（X25519、フィンガープリント）',
      tlsCa: 'TLS 認証局（SHA-256）',
    },
    kid: '鍵 ID {{kid}}',
    updated: '鍵またはアドレスの変更 {{at}}',
    status: { active: '有効' },
  },
};

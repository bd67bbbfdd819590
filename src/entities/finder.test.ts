import { describe, expect, it } from 'vitest';
import { Automaton } from './automaton.js';
import { EntityFinder, nameFor } from './finder.js';
import { loadGazetteer } from './load.js';

const finder = new EntityFinder(loadGazetteer());
const ids = (text: string) => finder.find(text).map((m) => m.entry.id);
const names = (text: string) => finder.find(text).map((m) => text.slice(m.start, m.end));

describe('the Aho–Corasick automaton', () => {
  it('finds every occurrence of every pattern, overlapping ones included, in one pass', () => {
    const a = new Automaton<string>();
    for (const p of ['he', 'she', 'his', 'hers']) a.add(p, p);
    const got = [...a.matches('ushers')].map((m) => `${m.value}@${m.start}-${m.end}`);
    expect(got.sort()).toEqual(['he@2-4', 'hers@2-6', 'she@1-4']);
  });
});

describe('finding people, places, organisations and countries', () => {
  it('reads a Korean article without spaces around names, particles stripped', () => {
    const text =
      '합참은 7일 오전 북한이 평안남도 일대에서 동해상으로 단거리 탄도미사일을 발사했다고 밝혔다. 독도에서 해양조사선이 활동했다.';
    expect(ids(text)).toEqual(['kor-jcs', 'KP', 'south-pyongan', 'east-sea', 'dokdo']);
    expect(names(text)).toEqual(['합참', '북한', '평안남도', '동해상', '독도']);
  });

  it('reads a Japanese article, and 竹島町 in Aichi is not Takeshima', () => {
    const text =
      '防衛省によると、北朝鮮は弾道ミサイルを日本海に向けて発射した。外務省は竹島周辺の調査に抗議した。愛知県の竹島町では祭りが開かれた。';
    expect(ids(text)).toEqual(['jpn-mod', 'KP', 'east-sea', 'jpn-mofa', 'dokdo', 'aichi']);
  });

  it('reads an English article, names as whole words only, possessives allowed', () => {
    const text =
      "South Korea's Joint Chiefs of Staff said North Korea fired a missile into the Sea of Japan. Seoulites and Tokyo agreed; the Pentagon's data reached Washington.";
    expect(ids(text)).toEqual(['kor-jcs', 'KP', 'east-sea', 'tokyo', 'usa-dod', 'washington']);
  });

  it('matches full-width and compatibility forms (NFKC) and any letter case', () => {
    expect(ids('ＴＯＫＹＯ and pyongyang')).toEqual(['tokyo', 'pyongyang']);
  });

  it('gives offsets into the text as given (UTF-16, end exclusive)', () => {
    const text = '🚀 독도에서';
    const [m] = finder.find(text);
    expect(text.slice(m!.start, m!.end)).toBe('독도');
  });

  it('knows 독도, 竹島 and Liancourt Rocks as one place, named as each reader’s party names it', () => {
    const found = ['독도', '竹島', 'Liancourt Rocks'].map((t) => finder.find(t)[0]!.entry);
    expect(new Set(found.map((e) => e.id))).toEqual(new Set(['dokdo']));
    const dokdo = found[0]!;
    expect(nameFor(dokdo, 'KOR', 'en')).toBe('Dokdo');
    expect(nameFor(dokdo, 'JPN', 'ko')).toBe('다케시마');
    expect(nameFor(dokdo, 'USA', 'ja')).toBe('リアンクール岩礁');
    expect(dokdo.country).toBeUndefined();
    const tokyo = finder.find('Tokyo')[0]!.entry;
    expect(nameFor(tokyo, 'KOR', 'ko')).toBe('도쿄');
  });

  it('finds the gazetteer’s people in each language, and others by their title, never an office', () => {
    expect(ids('이재명 대통령은 기시다 후미오 전 총리와 통화했다.')).toEqual([
      'lee-jae-myung',
      'kishida-fumio',
    ]);
    expect(ids('金正恩総書記が視察した。')).toEqual(['kim-jong-un']);
    const people = (text: string) =>
      finder
        .find(text)
        .filter((m) => m.entry.kind === 'person')
        .map((m) => text.slice(m.start, m.end));
    // 국방부 is the ministry (an organisation), and neither it nor 국방 is taken for a person
    expect(people('홍길동 대사는 국방부 장관과 국방장관을 만났다.')).toEqual(['홍길동']);
    expect(ids('홍길동 대사는 국방부 장관과')).toEqual(['person:홍길동', 'kor-mnd']);
    expect(finder.find('홍길동 대사는')[0]!.entry).toMatchObject({
      kind: 'person',
      names: { ko: ['홍길동'] },
    });
    expect(names('山田首相と防衛大臣、スミス国務長官が会談した。')).toEqual(['山田', 'スミス']);
    expect(
      names('Ambassador Jane Holloway met Prime Minister Shigeru Ishiba; the Secretary of State spoke.'),
    ).toEqual(['Jane Holloway', 'Shigeru Ishiba']);
    expect(ids('Prime Minister Shigeru Ishiba')).toEqual(['ishiba-shigeru']);
  });
});

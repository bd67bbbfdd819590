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

  it('finds a capital and a person in each language', () => {
    expect(ids('나이로비와 울란바토르에서 회담이 열렸다.')).toEqual(['nairobi', 'ulaanbaatar']);
    expect(ids('ウランバートルとナイロビで会談した。')).toEqual(['ulaanbaatar', 'nairobi']);
    expect(ids("Talks in Ulaanbaatar, then Nairobi's turn.")).toEqual(['ulaanbaatar', 'nairobi']);
    expect(ids('최선희 외무상은 라브로프와 만났다.')).toEqual(['choe-son-hui', 'lavrov-sergey']);
    expect(ids('崔善姫外相はラブロフ外相と会談した。')).toEqual(['choe-son-hui', 'lavrov-sergey']);
    expect(ids('Choe Son Hui met Sergei Lavrov; Pete Hegseth spoke.')).toEqual([
      'choe-son-hui',
      'lavrov-sergey',
      'hegseth-pete',
    ]);
    // 국무장관 is an office, not a person called 국무
    expect(ids('루비오 국무장관은 워싱턴에서')).toEqual(['rubio-marco', 'washington']);
    // the region's sites, as the news names them
    expect(ids('풍계리와 영변, 캠프 험프리스와 오산 공군기지')).toEqual([
      'punggye-ri',
      'yongbyon',
      'camp-humphreys',
      'osan-ab',
    ]);
  });

  it('does not take ordinary words for names: Korean words, katakana inside longer words, English common nouns', () => {
    // 리가 (Riga) in 그럴 리가, 말리는 (Mali) a verb, 수단 (Sudan) 'means', 오만 (Oman) 'arrogance', 빈 (Vienna)
    // 'empty', 도하 (Doha) a river crossing, 대전 (Daejeon) a world war, 개성 (Kaesong) 'character', 왕이 (Wang Yi) 'a king'
    expect(
      ids(
        '그럴 리가 없다. 싸움을 말리는 사람. 수단과 방법을 가리지 않고 오만한 태도로 빈 집에 들어갔다. 도하 훈련은 제2차 세계 대전 이후 처음이다. 개성이 강한 왕이 되었다. 범죄인 인도 조약.',
      ),
    ).toEqual([]);
    expect(ids('인도 정부는 대전에서 발표했다.')).toEqual(['IN', 'daejeon']);
    expect(
      ids(
        '東京都が発表した。インド太平洋の安定。ハワイアンの店でマリンスポーツ。タイ記録。使い捨てカイロ。北アイルランド。',
      ),
    ).toEqual(['tokyo']);
    expect(ids('インドネシアとインド、タイ、マリ、カイロ、アイルランド')).toEqual([
      'ID',
      'IN',
      'TH',
      'ML',
      'cairo',
      'IE',
    ]);
    expect(
      ids(
        'Georgia voters, Michael Jordan, Chad Smith, Victoria Beckham, male voters, a roast turkey, a guinea pig, New Mexico, Northern Ireland, an un-American act.',
      ),
    ).toEqual([]);
    expect(ids('Turkey, Guinea, Mexico, Ireland and the UN; Tbilisi, Amman and Victoria Falls')).toEqual([
      'TR',
      'GN',
      'MX',
      'IE',
      'un',
      'tbilisi',
      'amman',
    ]);
  });

  it('names a strait each party names differently by the reader’s party, and gives it no country', () => {
    const strait = finder.find('対馬海峡')[0]!.entry;
    expect(strait.id).toBe('korea-strait');
    expect(finder.find('대한해협')[0]!.entry.id).toBe('korea-strait');
    expect(nameFor(strait, 'KOR', 'ko')).toBe('대한해협');
    expect(nameFor(strait, 'JPN', 'en')).toBe('Tsushima Strait');
    expect(strait.country).toBeUndefined();
    // an unsought name still names its entry: Sudan is 수단 to a Korean reader
    const sudan = finder.find('Sudan')[0]!.entry;
    expect(nameFor(sudan, 'KOR', 'ko')).toBe('수단');
  });
});

describe('the gazetteer', () => {
  const gazetteer = loadGazetteer();

  it('holds every UN member state and its capital, with coordinates, code and names in ko, ja and en', () => {
    const countries = gazetteer.filter((e) => e.kind === 'country');
    expect(countries).toHaveLength(194); // the 193 member states and Taiwan
    for (const e of gazetteer) {
      expect(e.names.en?.length, e.id).toBeGreaterThan(0);
      if (e.kind === 'person') continue;
      if (e.kind !== 'organisation') {
        expect(e.lat, e.id).toBeGreaterThanOrEqual(-90);
        expect(e.lat, e.id).toBeLessThanOrEqual(90);
        expect(e.lon, e.id).toBeGreaterThanOrEqual(-180);
        expect(e.lon, e.id).toBeLessThanOrEqual(180);
        // Palau's capital has no Korean or Japanese name the project is sure of
        if (e.id !== 'ngerulmud') expect(e.names.ko?.length && e.names.ja?.length, e.id).toBeTruthy();
      }
      if (e.country !== undefined) expect(e.country, e.id).toMatch(/^[A-Z]{2}$/);
      if (e.partyNames) expect(e.country, e.id).toBeUndefined();
    }
    // a capital per country, but for the city-states and Israel (Jerusalem is a place without a country)
    const placed = new Set(gazetteer.filter((e) => e.kind === 'place').map((e) => e.country));
    expect(countries.filter((c) => !placed.has(c.id)).map((c) => c.id)).toEqual(['IL', 'MC', 'SM', 'SG']);
  });

  it('gives every entry its own id, and every name it looks for to one entry only', () => {
    expect(new Set(gazetteer.map((e) => e.id)).size).toBe(gazetteer.length);
    const owner = new Map<string, string>();
    for (const e of gazetteer) {
      for (const n of [...(e.unsought ?? []), ...(e.cased ?? [])])
        expect(Object.values(e.names).flat(), `${e.id}: ${n}`).toContain(n);
      for (const n of Object.values(e.names).flat()) {
        if (e.unsought?.includes(n)) continue;
        const k = n.normalize('NFKC').toLowerCase();
        expect(owner.get(k) ?? e.id, `${n} in ${owner.get(k)} and ${e.id}`).toBe(e.id);
        owner.set(k, e.id);
      }
    }
  });
});

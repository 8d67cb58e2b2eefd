import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeBody } from './decode.js';

const feed = (title: string, declaration = '<?xml version="1.0"?>') =>
  `${declaration}<rss version="2.0"><channel><title>${title}</title><item><title>${title}</title></item></channel></rss>`;

describe('decodeBody', () => {
  it('reads UTF-32 with a BOM in either byte order, and without one', () => {
    const xml = feed('Ünïcode 𝄞 feed');
    expect(decodeBody(Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(xml, 'utf-32le')]))).toBe(xml);
    expect(decodeBody(Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), iconv.encode(xml, 'utf-32be')]))).toBe(xml);
    expect(decodeBody(iconv.encode(xml, 'utf-32le'))).toBe(xml);
    expect(decodeBody(iconv.encode(xml, 'utf-32be'))).toBe(xml);
  });

  it('still reads UTF-16 by its BOM', () => {
    const xml = feed('Ünïcode');
    expect(decodeBody(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml, 'utf-16le')]))).toBe(xml);
  });

  it('guesses the charset of legacy bytes that declare none, instead of making them U+FFFD', () => {
    const portuguese = feed(
      'Atenção: eleições começam amanhã em São Paulo; votação até às dezoito horas. Não há previsão de atraso na apuração dos votos, disse o presidente do tribunal eleitoral.',
    );
    expect(decodeBody(iconv.encode(portuguese, 'windows-1252'))).toBe(portuguese);
    const russian = feed(
      'Запуск спутника перенесён на пятницу из-за погоды на космодроме, сообщили в пресс-службе. Новая дата старта будет объявлена позднее, после заседания государственной комиссии.',
    );
    expect(decodeBody(iconv.encode(russian, 'windows-1251'))).toBe(russian);
  });

  it('keeps a declared charset, even when the bytes do not fit it', () => {
    const bytes = Buffer.from(
      `${feed('Broken @@ bytes', '<?xml version="1.0" encoding="utf-8"?>')}`.replace('@@', '\u00e7'),
      'latin1',
    );
    expect(decodeBody(bytes)).toContain('Broken \uFFFD bytes');
    expect(decodeBody(Buffer.from(feed('caf\u00e9'), 'latin1'), 'application/rss+xml; charset=utf-8')).toContain(
      'caf\uFFFD',
    );
  });
});

describe('decodeBody: where the charset comes from', () => {
  const latin = (text: string) => Buffer.from(text, 'latin1');

  it('strips a UTF-8 BOM and reads UTF-16 big-endian by its BOM, and without one', () => {
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(feed('Grüße'))]))).toBe(
      feed('Grüße'),
    );
    expect(decodeBody(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(feed('Grüße'), 'utf-16be')]))).toBe(
      feed('Grüße'),
    );
    expect(decodeBody(iconv.encode(feed('Grüße'), 'utf-16le'))).toBe(feed('Grüße'));
  });

  it('takes the HTTP charset before the XML declaration, the declaration before UTF-8, and an HTML meta charset', () => {
    const declared1251 = `<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>\u00e9</title></channel></rss>`;
    expect(decodeBody(latin(declared1251), 'text/xml; charset="ISO-8859-1"')).toContain('<title>\u00e9</title>');
    expect(decodeBody(iconv.encode(declared1251.replace('\u00e9', 'Новости'), 'windows-1251'))).toContain(
      '<title>Новости</title>',
    );
    const page = '<html><head><meta charset="windows-1252"><title>caf\u00e9 \u20ac</title></head></html>';
    expect(decodeBody(iconv.encode(page, 'windows-1252'))).toBe(page);
  });

  it('reads bytes labelled Latin-1 that are valid UTF-8 as UTF-8 (the common mislabel)', () => {
    expect(decodeBody(Buffer.from(feed('Grüße')), 'application/rss+xml; charset=iso-8859-1')).toBe(feed('Grüße'));
  });

  it('falls back to UTF-8 for a charset name it does not know', () => {
    expect(decodeBody(Buffer.from(feed('Grüße')), 'text/xml; charset=x-made-up')).toBe(feed('Grüße'));
  });
});

describe('charsetFromContentType', () => {
  it('reads the parameter whatever its case and quoting, and is undefined without one', () => {
    expect(charsetFromContentType('text/xml; Charset="UTF-8"')).toBe('utf-8');
    expect(charsetFromContentType("text/xml;charset='koi8-r'; foo=bar")).toBe('koi8-r');
    expect(charsetFromContentType('application/rss+xml')).toBeUndefined();
    expect(charsetFromContentType(undefined)).toBeUndefined();
  });
});

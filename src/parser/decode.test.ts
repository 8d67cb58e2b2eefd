import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody } from './decode.js';

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
    const portuguese = feed('Atenção: eleições começam amanhã em São Paulo; votação até às dezoito horas. Não há previsão de atraso na apuração dos votos, disse o presidente do tribunal eleitoral.');
    expect(decodeBody(iconv.encode(portuguese, 'windows-1252'))).toBe(portuguese);
    const russian = feed('Запуск спутника перенесён на пятницу из-за погоды на космодроме, сообщили в пресс-службе. Новая дата старта будет объявлена позднее, после заседания государственной комиссии.');
    expect(decodeBody(iconv.encode(russian, 'windows-1251'))).toBe(russian);
  });

  it('keeps a declared charset, even when the bytes do not fit it', () => {
    const bytes = Buffer.from(`${feed('Broken @@ bytes', '<?xml version="1.0" encoding="utf-8"?>')}`.replace('@@', '\u00e7'), 'latin1');
    expect(decodeBody(bytes)).toContain('Broken \uFFFD bytes');
    expect(decodeBody(Buffer.from(feed('caf\u00e9'), 'latin1'), 'application/rss+xml; charset=utf-8')).toContain('caf\uFFFD');
  });
});

import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { cleanName, decodeCsv, detectDelimiter, parseInviteeCsv } from './invitee-csv.js';

describe('parseInviteeCsv', () => {
  it('reads a comma-separated UTF-8 list with a BOM', () => {
    const csv = '\uFEFFemail,name,organisation\njan@aanbieder.nl,Jan Jansen,Aanbieder BV\nPETRA@zorg.example,"Boer, Petra de",Zorg & Co\n';
    const r = parseInviteeCsv(Buffer.from(csv, 'utf8'));
    expect(r).toEqual({
      ok: true,
      value: [
        { line: 2, email: 'jan@aanbieder.nl', name: 'Jan Jansen', organisation: 'Aanbieder BV' },
        { line: 3, email: 'petra@zorg.example', name: 'Petra de Boer', organisation: 'Zorg & Co' },
      ],
    });
  });

  it('reads a semicolon-separated Windows-1252 list as Dutch Excel writes it', () => {
    const csv = 'E-mailadres;Naam;Organisatie\r\nrene@jeugdzorg.example;René Çelik;Stichting Jeugd-ïnitiatief\r\n';
    const bytes = iconv.encode(csv, 'windows-1252');
    expect(decodeCsv(bytes).encoding).toBe('windows-1252');
    const r = parseInviteeCsv(bytes);
    expect(r.ok && r.value[0]).toEqual({ line: 2, email: 'rene@jeugdzorg.example', name: 'René Çelik', organisation: 'Stichting Jeugd-ïnitiatief' });
  });

  it('reports every bad line with its number and imports nothing', () => {
    const csv = 'email;naam\njan@aanbieder.nl;Jan\nniet-een-adres;Piet\n;Klaas\njan@aanbieder.nl;Jan again\n';
    const r = parseInviteeCsv(Buffer.from(csv));
    expect(r).toEqual({
      ok: false,
      problems: [
        { line: 3, message: 'not an email address: "niet-een-adres"' },
        { line: 4, message: 'no email address' },
        { line: 5, message: 'jan@aanbieder.nl is already on line 2' },
      ],
    });
  });

  it('needs an email column', () => {
    const r = parseInviteeCsv(Buffer.from('naam,organisatie\nJan,X\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toEqual({ line: 1, message: expect.stringMatching(/no "email" column/) });
  });

  it('reports an unterminated quote instead of guessing', () => {
    const r = parseInviteeCsv(Buffer.from('email,name\n"jan@a.nl,Jan\n'));
    expect(r.ok).toBe(false);
  });
});

describe('detectDelimiter and cleanName', () => {
  it('ignores separators inside quotes', () => {
    expect(detectDelimiter('"a;b;c",d,e')).toBe(',');
    expect(detectDelimiter('email;naam;"org, bv"')).toBe(';');
  });
  it('turns "Last, First" around and keeps particles', () => {
    expect(cleanName('Sinke, Roel')).toBe('Roel Sinke');
    expect(cleanName('Vries, Piet de')).toBe('Piet de Vries');
    expect(cleanName('  Jan   Jansen ')).toBe('Jan Jansen');
  });
});

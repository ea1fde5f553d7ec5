import { describe, expect, it } from 'vitest';
import { HTML_LIMITS, htmlReplyPart, htmlToText, removeQuotes, stripQuotedReply, stripTagsLinear, withinHtmlLimits } from './quote.js';

describe('stripQuotedReply removes quoted mail', () => {
  const cases: Array<[string, string, string]> = [
    ['Outlook NL header block', 'Ik kom.\n\nVan: Inkoop <a@b.nl>\nVerzonden: maandag 15 oktober 2018 10:02\nAan: Jan\nOnderwerp: Uitnodiging\n\nKomt u?', 'Ik kom.'],
    ['Outlook EN header block', 'I will attend.\n\nFrom: Inkoop <a@b.nl>\nSent: Monday\nTo: Jan\nSubject: Invitation\n\nWill you come?', 'I will attend.'],
    ['Outlook bold header block', 'Ik kom.\n\n*Van:* Inkoop\n*Verzonden:* maandag\n*Aan:* Jan\n*Onderwerp:* Uitnodiging', 'Ik kom.'],
    ['Oorspronkelijk bericht', 'Ja.\n-----Oorspronkelijk bericht-----\nVan: x\nKomt u?', 'Ja.'],
    ['Original Message', 'Yes.\n\n-----Original Message-----\nFrom: x\nWill you come?', 'Yes.'],
    ['Gmail NL attribution', 'Wij komen.\n\nOp ma 15 okt. 2018 om 10:02 schreef Inkoop <a@b.nl>:\n\n> Komt u?', 'Wij komen.'],
    ['Apple NL attribution', 'Ik kom.\n\nOp 15 okt. 2018 om 10:02 heeft Inkoop <a@b.nl> het volgende geschreven:\n\n> Komt u?', 'Ik kom.'],
    ['English attribution wrapped over two lines', 'Fine.\n\nOn Mon, Oct 15, 2018 at 10:02 AM Inkoop <\na@b.nl> wrote:\n> Will you?', 'Fine.'],
    ['German attribution', 'Ich komme.\n\nAm 15.10.2018 um 10:02 schrieb Inkoop:\n> Kommen Sie?', 'Ich komme.'],
    ['plain > quoting only', 'Ik kom.\n> Komt u?\n> Groet', 'Ik kom.'],
    ['Underscore line above From', 'Ok.\n________________________________\nFrom: Inkoop\nSent: Monday\nTo: Jan\nSubject: x', 'Ok.'],
    ['Gmail forward banner', 'Kijk even.\n\n---------- Forwarded message ---------\nVan: Inkoop\nDate: x', 'Kijk even.'],
    ['Apple forward banner', 'Zie onder.\n\nBegin forwarded message:\n\nFrom: Inkoop', 'Zie onder.'],
    ['Android dashed attribution', 'Ik kom.\n\n---- Inkoop Jeugdhulp schreef ----\n\n> Komt u?', 'Ik kom.'],
    ['Outlook block in Danish/Norwegian', 'Ja.\n\nFra: x@y.dk\nSendt: 19. marts\nTil: Jan\nEmne: Invitation', 'Ja.'],
    ['Gmail date-first attribution', 'Ja.\n\n2018-10-15 10:02 GMT+02:00 Inkoop <a@b.nl>:\n> Komt u?', 'Ja.'],
    ['attribution spread over lines with blanks', 'Ja.\n\nOn Thu, 31 Mar 2016 at 11:16 Inkoop\n\n<\nmailto:Inkoop <a@b.nl>\n> wrote:\n\nKomt u?', 'Ja.'],
  ];
  it.each(cases)('%s', (_label, input, expected) => {
    expect(stripQuotedReply(input).replyText).toBe(expected);
  });
});

describe('stripQuotedReply keeps own text written below or between quotes', () => {
  const cases: Array<[string, string, string]> = [
    ['bottom-posting', '> Komt u?\n\nJa, ik kom.', 'Ja, ik kom.'],
    ['inline answers under an attribution', 'Op 15-10-2018 schreef Inkoop:\n> Komt u?\nJa.\n> Met hoeveel?\nMet twee.', 'Ja.\nMet twee.'],
    ['top-posted text above an attribution', 'Ja.\nOp 15-10-2018 schreef Inkoop:\n> Komt u?', 'Ja.'],
    ['prose that mentions "van:" is kept', 'Het advies van: de gemeente is goed.\nIk kom.', 'Het advies van: de gemeente is goed.\nIk kom.'],
  ];
  it.each(cases)('%s', (_label, input, expected) => {
    expect(stripQuotedReply(input).replyText).toBe(expected);
  });
});

describe('stripQuotedReply cuts signatures, device footers and disclaimers', () => {
  const cases: Array<[string, string, string, string | null]> = [
    ['Met vriendelijke groet with names', 'Ik kom.\n\nMet vriendelijke groet,\nRoel Sinke\nZorgaanbieder BV', 'Ik kom.', 'Met vriendelijke groet,\nRoel Sinke\nZorgaanbieder BV'],
    ['Met vriendelijke groeten', 'Ik kom.\nMet vriendelijke groeten,\nJan', 'Ik kom.', 'Met vriendelijke groeten,\nJan'],
    ['Vriendelijke groet', 'Ja.\nVriendelijke groet,\nPiet', 'Ja.', 'Vriendelijke groet,\nPiet'],
    ['Mvg on one line', 'Ja.\nMvg Piet de Boer', 'Ja.', 'Mvg Piet de Boer'],
    ['M.v.g.', 'Ja.\nM.v.g.\nPiet', 'Ja.', 'M.v.g.\nPiet'],
    ['Groet', 'Ja.\n\nGroet,\nKees', 'Ja.', 'Groet,\nKees'],
    ['Groeten', 'Ja.\nGroeten, Kees', 'Ja.', 'Groeten, Kees'],
    ['Kind regards', 'Yes.\n\nKind regards,\nAnn', 'Yes.', 'Kind regards,\nAnn'],
    ['Best regards', 'Yes.\nBest regards\nAnn', 'Yes.', 'Best regards\nAnn'],
    ['RFC 3676 "-- " separator', 'Ja.\n-- \nPiet\nBV', 'Ja.', 'Piet\nBV'],
    ['iPhone footer NL', 'Ik kom.\n\nVerzonden vanaf mijn iPhone', 'Ik kom.', null],
    ['iPhone footer EN', 'Coming.\n\nSent from my iPhone', 'Coming.', null],
    ['Samsung footer', 'Ik kom.\nVerstuurd vanaf mijn Samsung Galaxy-smartphone.', 'Ik kom.', null],
    ['Outlook mobile footer', 'Ik kom.\n\nGet Outlook for iOS', 'Ik kom.', null],
    ['NL disclaimer', 'Ik kom.\n\nDit e-mailbericht is uitsluitend bestemd voor de geadresseerde.', 'Ik kom.', null],
    ['NL disclaimer "geen rechten"', 'Ik kom.\n\nAan dit bericht kunnen geen rechten worden ontleend.', 'Ik kom.', null],
    ['EN disclaimer', 'Coming.\n\nThis e-mail and any attachments are confidential and intended solely for the addressee.', 'Coming.', null],
    ['graag is not a greeting', 'Ik kom graag.\nGraag tot dan.', 'Ik kom graag.\nGraag tot dan.', null],
    ['Dutch "best" is not a sign-off', 'Best mogelijk dat ik kom.', 'Best mogelijk dat ik kom.', null],
    ['"Groeten uit" in prose stays when long', 'Ik kom.\nGroeten aan iedereen op het kantoor in Middelburg van ons allemaal!', 'Ik kom.\nGroeten aan iedereen op het kantoor in Middelburg van ons allemaal!', null],
  ];
  it.each(cases)('%s', (_label, input, reply, signature) => {
    const out = stripQuotedReply(input);
    expect(out.replyText).toBe(reply);
    expect(out.signature).toBe(signature);
  });
});

describe('removeQuotes', () => {
  it('normalises CRLF and non-breaking spaces', () => {
    expect(removeQuotes('Ik\u00a0kom.\r\n> Komt u?\r\n')).toBe('Ik kom.');
  });
});

describe('HTML replies', () => {
  const cases: Array<[string, string, string]> = [
    ['Outlook divRplyFwdMsg', '<div>Ik kom.</div><hr><div id="divRplyFwdMsg"><b>Van:</b> Inkoop</div><div>Komt u?</div>', 'Ik kom.'],
    ['Gmail gmail_quote', '<div dir="ltr">Ik kom.</div><br><div class="gmail_quote"><div class="gmail_attr">Op ma schreef x:</div><blockquote>Komt u?</blockquote></div>', 'Ik kom.'],
    ['Gmail quote container class', '<div>Ja</div><div class="gmail_quote gmail_quote_container">Komt u?</div>', 'Ja'],
    ['Outlook WordSection1 border-top div', '<div class=WordSection1><p class=MsoNormal>Ja.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>Van:</b> x</p></div><p>Komt u?</p></div>', 'Ja.'],
  ];
  it.each(cases)('%s', (_label, html, expected) => {
    expect(stripQuotedReply(htmlToText(htmlReplyPart(html))).replyText).toBe(expected);
  });

  it('keeps inline answers below an Apple Mail / Thunderbird blockquote type=cite', () => {
    const html =
      '<div class="moz-cite-prefix">Op 15-10-2018 om 10:02 schreef Inkoop:</div><blockquote type="cite">Komt u?</blockquote><p>Ja, met twee.</p>';
    expect(stripQuotedReply(htmlToText(htmlReplyPart(html))).replyText).toBe('Ja, met twee.');
  });

  it('renders blockquotes with "> " and drops link targets and images', () => {
    const text = htmlToText('<p>Zie <a href="https://x.test/a">de site</a><img src="cid:x" alt="logo"></p><blockquote>oud</blockquote>');
    expect(text).toContain('Zie de site');
    expect(text).not.toContain('https://x.test');
    expect(text).not.toContain('logo');
    expect(text).toMatch(/^> oud$/m);
  });
});

describe('htmlToText bounds its work on hostile or broken HTML', () => {
  it('sends 65,000 unclosed nested tags to the linear stripper and still finds the text', () => {
    const html = '<div>'.repeat(65_000) + 'Ik kom graag.';
    expect(withinHtmlLimits(html)).toBe(false);
    expect(htmlToText(html)).toBe('Ik kom graag.');
  });

  it('counts depth by open and close tags; void, self-closing and comments do not nest', () => {
    const deep = (n: number) => '<span>'.repeat(n) + 'x' + '</span>'.repeat(n);
    expect(withinHtmlLimits(deep(HTML_LIMITS.maxDepth))).toBe(true);
    expect(withinHtmlLimits(deep(HTML_LIMITS.maxDepth + 1))).toBe(false);
    expect(withinHtmlLimits('<p>a<br>b<img src="x"><hr/><!-- <div> --></p>'.repeat(1000))).toBe(true);
    expect(withinHtmlLimits('<p>a</p>'.repeat(HTML_LIMITS.maxTags))).toBe(false);
  });

  it('keeps ordinary replies on html-to-text (blockquotes rendered with "> ")', () => {
    const html = '<div>Ja.</div><blockquote>Komt u?</blockquote>';
    expect(withinHtmlLimits(html)).toBe(true);
    expect(htmlToText(html)).toMatch(/^> Komt u\?$/m);
  });

  it('strips tags linearly: blocks break lines, style is skipped, entities decoded, a stray "<" kept', () => {
    expect(stripTagsLinear('<style>p{color:red}</style><p>Ja &amp; graag&nbsp;&#233;</p><div>x < y</div><br>z<!-- c -->')).toBe(
      'Ja & graag é\n\nx < y\n\nz',
    );
    // A tag that never closes ends the text instead of being searched for again at every "<".
    expect(stripTagsLinear('Ja<a'.repeat(10) + ' href="x"')).toBe('Ja');
  });
});

describe('stripQuotedReply ends the text at a bare sign-off', () => {
  const cases: Array<[string, string, string | null, string]> = [
    ['a given name after the text', 'Prima, tot dan!\n\nGert-Jan', 'Gert-Jan Hoek', 'Prima, tot dan!'],
    ['a nickname the From name does not hold', 'Ik kom graag.\n\nRob', 'Robert Zandee', 'Ik kom graag.'],
    ['Hoogachtend and a formal name', 'Hierbij bevestig ik mijn komst.\n\nHoogachtend,\n\nDrs. P.J. Vermeulen', null, 'Hierbij bevestig ik mijn komst.'],
    ['a one-word answer is no name', 'Hoi,\n\nAkkoord', 'Jan Jansen', 'Hoi,\n\nAkkoord'],
    ['a list announced with a colon is text', 'Wij komen met:\n\nGert Jan Kosten\nIlona Minderhoud', null, 'Wij komen met:\n\nGert Jan Kosten\nIlona Minderhoud'],
    ['"Thank you." alone is the text', 'Thank you.', null, 'Thank you.'],
  ];
  it.each(cases)('%s', (_label, input, senderName, expected) => {
    expect(stripQuotedReply(input, { senderName }).replyText).toBe(expected);
  });
});

describe('stripQuotedReply finds attributions in any language by their date and address', () => {
  const cases: Array<[string, string, string]> = [
    ['Catalan', 'Bedankt, ik kom.\n\nEl 19/03/2014 11:34, Juan <juan@example.test> ha escrit:\n\n> Vindrà?', 'Bedankt, ik kom.'],
    ['German, name first, wrapped', 'Ik kom.\n\nInkoop <a@b.nl> schrieb am Di., 16. Aug. 2016\num 12:52 Uhr:\n\n> Kommen Sie?', 'Ik kom.'],
    ['bold separator from HTML', 'Ja.\n\n*-------- Original Message --------*\n\nKomt u?', 'Ja.'],
    ['own text with a time and a colon is kept', 'Ik kom.\nAankomst rond: 15:00\nTot dan.', 'Ik kom.\nAankomst rond: 15:00\nTot dan.'],
    ['text below a top attribution', 'On 8 May 2017 17:34, "Jan" <jan@example.test> wrote:\n\nIk kom ook.', 'Ik kom ook.'],
  ];
  it.each(cases)('%s', (_label, input, expected) => {
    expect(stripQuotedReply(input).replyText).toBe(expected);
  });
});

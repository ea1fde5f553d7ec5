import { describe, expect, it } from 'vitest';
import { detectIntent, readIntent, splitClauses } from './intent.js';
import { builtInRules, type IntentRule } from './rules.js';

const read = (text: string) => detectIntent(text, builtInRules);

describe('detectIntent', () => {
  it('reads clear single statements with high confidence', () => {
    for (const [text, intent] of [
      ['Ik kom.', 'accept'],
      ['Wij zijn aanwezig.', 'accept'],
      ['Helaas verhinderd.', 'decline'],
      ['Onder voorbehoud.', 'tentative'],
      ['Count me in.', 'accept'],
      ["I can't make it.", 'decline'],
    ] as const) {
      const r = read(text);
      expect(r.intent, text).toBe(intent);
      expect(r.confidence, text).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('reads doubt, a wish with a reason after it, and a statement that waits for an answer', () => {
    expect(read('Not sure I can make it yet.').intent).toBe('tentative');
    expect(read('Door de reorganisatie is het nog onzeker of ik erbij kan zijn.').intent).toBe('tentative');
    expect(read('Ik weet niet of ik kan komen.').intent).toBe('tentative');
    expect(read("I'd love to come, but the board meets that afternoon.").intent).toBe('decline');
    expect(read('Ik zou er graag bij willen zijn, alleen ben ik die week op wintersport.').intent).toBe('decline');
    // A contrast without a reason keeps the wish: only part of the meeting.
    expect(read('Ik zou graag komen, maar alleen het eerste uur.').intent).not.toBe('decline');
    expect(read('Mag ik een collega meenemen? Dan meld ik ons aan.')).toMatchObject({ intent: null });
    // "15.00" ends no sentence: the regret and the engagement stay one statement.
    expect(read('Helaas, om 15.00 uur moet ik de kinderen van school halen.').intent).toBe('decline');
    expect(read('Please remove me from your mailing list.').intent).toBeNull();
    // A hedge before a number doubts the count; news promised on a change is no doubt.
    expect(read('We will attend, probably three of us.').intent).toBe('accept');
    expect(read('Wij komen, mogelijk met 3 personen. Ik laat het nog weten als dat verandert.').intent).toBe('accept');
    expect(read("I can't attend myself, but two colleagues will: Tom Hale and Ria Gomes.")).toMatchObject({ intent: 'accept' });
    // A hedge that governs the coming; a condition said to go without saying; the sender's elliptic no.
    expect(read("I'm hoping to come but I'm still waiting on cover.").intent).toBe('tentative');
    expect(read('Ik kom graag, hopelijk tot dan!').intent).toBe('accept');
    expect(read('Ik ben erbij, mits de trein rijdt natuurlijk.').intent).toBe('accept');
    expect(read('Ik ben erbij, mits ik vrij krijg.').intent).toBe('tentative');
    expect(read('Wellicht komt mijn collega, ikzelf in ieder geval niet.').intent).toBe('decline');
    // Being in charge of something is not going: a forward is no answer.
    expect(read('Ik heb je uitnodiging doorgestuurd naar Kees, hij gaat over inkoop.').intent).toBeNull();
    // Doubt about companions or a range of people is not doubt about coming.
    expect(read("I'll attend, possibly with a colleague.").intent).toBe('accept');
    expect(read('Wij komen met 2 of 3 personen, dat hangt nog af van de roosters.').intent).toBe('accept');
    expect(read('Jan Hoekstra en Piet Wagemaker komen namens ons, ik zelf niet.')).toMatchObject({ intent: 'accept' });
    // A statement about someone else read by its parts: the sender's no, the colleague's yes.
    expect(read("Unfortunately I can't make it; my colleague Laura Finch will be joining instead.").intent).toBe('accept');
    expect(read('Ik kan niet, maar onze directeur Marga Wit komt samen met een beleidsmedewerker.').intent).toBe('accept');
    expect(read('Hierbij meld ik aan:\n1. Marloes Ruiter\n2. Gijs van Vliet\nZelf kan ik helaas niet.').intent).toBe('accept');
  });

  it('turns an acceptance around when it is negated', () => {
    expect(read('Ik kom niet.').intent).toBe('decline');
    expect(read('Ik kan niet aanwezig zijn.').intent).toBe('decline');
    expect(read('Wij zijn niet aanwezig.').intent).toBe('decline');
    expect(read('Ik ben er dit keer niet bij.').intent).toBe('decline');
  });

  it('does not take "niet alleen" for a negation', () => {
    expect(read('Ik kom niet alleen, ik neem een collega mee.').intent).toBe('accept');
  });

  it('lowers confidence for a generic negation no decline rule names', () => {
    const r = read('Ik zal waarschijnlijk niet deelnemen.');
    expect(r.intent).not.toBe('accept');
  });

  it('does not answer with a question', () => {
    expect(read('Kan ik ook online deelnemen?').intent).toBeNull();
    expect(read('Kunnen wij met vijf personen komen?').intent).toBeNull();
    const r = read('Ik kom graag. Is er parkeergelegenheid?');
    expect(r.intent).toBe('accept');
    expect(r.confidence).toBeLessThanOrEqual(0.6);
    expect(r.reasons).toContain('question');
  });

  it('lets the last statement win, surely only when the change is said as one', () => {
    const changed = read('Ik had me afgemeld, maar ik kan nu toch komen.');
    expect(changed.intent).toBe('accept');
    expect(changed.confidence).toBeLessThanOrEqual(0.8);
    const unclear = read('Ik kom. Ik kan niet.');
    expect(unclear.intent).toBe('decline');
    expect(unclear.confidence).toBeLessThanOrEqual(0.6);
    expect(unclear.reasons).toContain('last statement wins');
  });

  it("keeps the sender's own answer when a colleague's differs", () => {
    const r = read('Ik kom, mijn collega niet.');
    expect(r.intent).toBe('accept');
    expect(r.reasons).toContain('mixed');
  });

  it('takes a substitute as an acceptance from the sender\'s side', () => {
    const r = readIntent('Ik kan helaas niet, maar mijn collega Piet de Vries komt in mijn plaats.', builtInRules);
    expect(r.intent).toBe('accept');
    expect(r.substitute).toBe(true);
  });

  it('finds nothing in thanks or in "ik kom erop terug"', () => {
    expect(read('Bedankt voor de uitnodiging!').intent).toBeNull();
    expect(read('Ik kom hier later op terug.').intent).toBeNull();
    expect(read('').intent).toBeNull();
  });

  it('is not led by invitation sentences that slipped into the reply text', () => {
    const r = read('Wij verzoeken u uiterlijk 16 november aan te geven of u aanwezig kunt zijn.');
    expect(r.intent).toBeNull();
  });

  it('names the rules that fired, in order', () => {
    expect(read('Helaas, ik moet mij afmelden.').reasons).toEqual(['nl.decline:afmelden']);
  });

  it('uses extra rules, and only the rules it is given', () => {
    // A phrase the built-in rules do not know ("doe mee" was one until they learnt it).
    const extra: IntentRule = { id: 'admin.accept:fiets erheen', language: 'any', pattern: 'fiets\\s+erheen', effect: 'accept', weight: 0.9 };
    expect(detectIntent('Ik fiets erheen.', builtInRules).intent).toBeNull();
    expect(detectIntent('Ik fiets erheen.', [...builtInRules, extra])).toMatchObject({ intent: 'accept', reasons: ['admin.accept:fiets erheen'] });
    expect(detectIntent('Ik kom.', [extra]).intent).toBeNull();
  });

  it('skips an invalid rule instead of failing', () => {
    const bad: IntentRule = { id: 'bad', language: 'nl', pattern: '(', effect: 'accept', weight: 1 };
    expect(detectIntent('Ik kom.', [bad, ...builtInRules]).intent).toBe('accept');
  });

  it('reads only the start of a very long text, and leaves the answer to a person', () => {
    const r = read(`Ik kom graag. ${'Over de inkoopstrategie heb ik nog veel opmerkingen. '.repeat(200)}`);
    expect(r.intent).toBe('accept');
    expect(r.confidence).toBeLessThanOrEqual(0.6);
    expect(r.reasons).toContain('long text: start read');
    expect(read(`${'Over de inkoopstrategie heb ik nog veel opmerkingen. '.repeat(200)} Ik kom graag.`).intent).toBeNull();
  });

  it('reads typographic apostrophes like plain ones', () => {
    expect(read('I can’t make it.').intent).toBe('decline');
  });
});

describe('splitClauses', () => {
  it('keeps initials and titles inside their sentence', () => {
    expect(splitClauses('Mevrouw K. Jobse en dhr. P. de Wit komen.').map((c) => c.text)).toEqual([
      'Mevrouw K. Jobse en dhr. P. de Wit komen.',
    ]);
  });

  it('splits on "maar" and marks only the asking part as a question', () => {
    const clauses = splitClauses('Ik kom graag, maar is er parkeergelegenheid?');
    expect(clauses.map((c) => [c.text, c.question])).toEqual([
      ['Ik kom graag', false],
      ['maar is er parkeergelegenheid?', true],
    ]);
  });
});

describe('doubt, others and short forms', () => {
  it.each([
    ['Ik kom waarschijnlijk niet.', 'tentative', true],
    ['Helaas waarschijnlijk niet, ik zit die week op een congres.', 'tentative', true],
    ['Probably not, I am on leave that week.', 'tentative', true],
    ['Waarschijnlijk wel!', 'tentative', false],
    ['Ik kan helaas niet, misschien een volgende keer.', 'decline', false],
  ] as const)('%s → %s (leaning to no: %s)', (text, intent, leaningNo) => {
    const r = readIntent(text, builtInRules);
    expect([r.intent, r.leaningNo]).toEqual([intent, leaningNo]);
  });

  it.each([
    ['Namens Emergis komen Hanneke Bosch en Ton Meijer. Ik kan zelf niet.', 'accept', true],
    ['Namens Juvent meld ik Ellen Kraaijeveld aan. Zelf ben ik verhinderd.', 'accept', true],
    ['We will send two delegates: Tom Baker and Aisha Khan. I will not attend myself.', 'accept', true],
    ['Namens Intervence zal ik aanwezig zijn.', 'accept', false],
    ['Ik kom. Mijn collega Wendy niet.', 'accept', false],
  ] as const)('%s → %s (others come instead: %s)', (text, intent, substitute) => {
    const r = readIntent(text, builtInRules);
    expect([r.intent, r.substitute]).toEqual([intent, substitute]);
  });

  it.each([
    ['Sorry, kan niet.', 'decline'],
    ['yes, will be there', 'accept'],
    ['Tel mij maar mee!', 'accept'],
    ['Reken maar op mij.', 'accept'],
    ['Ik ga het helaas niet redden.', 'decline'],
    ['Ik zit die dag helemaal vol.', 'decline'],
    ['Kunt u mij aanmelden voor de bijeenkomst?', 'accept'],
    ['Deelname: ja', 'accept'],
    ['Ik kom als ik mijn andere afspraak kan verzetten.', 'tentative'],
    ['Ik heb de uitnodiging doorgestuurd naar onze teamleider, zij laat zelf weten of ze komt.', null],
  ] as const)('%s → %s', (text, intent) => {
    expect(read(text).intent).toBe(intent);
  });
});

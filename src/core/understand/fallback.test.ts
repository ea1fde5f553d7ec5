import { describe, expect, it } from 'vitest';
import { readFallbackIntent, scoreClause } from './fallback.js';

describe('scoreClause reads a statement by its parts when no rule fires', () => {
  const cases: Array<[string, 'accept' | 'decline' | 'tentative' | null]> = [
    ['Helaas, ik werk niet op maandag', 'decline'],
    ['Op 26 november zit ik voor een congres in het buitenland', 'decline'],
    ["I'm on leave that week, I'm afraid", 'decline'],
    ['Sadly Monday afternoons are impossible for me', 'decline'],
    ['echter ben ik op die datum al ingepland voor een andere bijeenkomst', 'decline'],
    ['Ik hoop erbij te kunnen zijn', 'tentative'],
    ['Eventueel sluit ik later aan', 'tentative'],
    ['Mogelijk zit ik dan in het buitenland', 'tentative'],
    ['If I can, I will join for the second half', 'tentative'],
    ['Dat gaat hem niet worden', 'decline'],
    ['Ik sluit me graag bij jullie aan op de 26e', 'accept'],
    ['Mijn agenda laat het op 26 november helaas niet toe', 'decline'],
    ['Zet mij maar op de lijst', 'accept'],
    ["I'm afraid that's my day off", 'decline'],
    ['I only work Tuesday to Thursday, so Monday is out for me', 'decline'],
    ["Sorry - can't do Mondays", 'decline'],
    ['Yes please, one place for me', 'accept'],
    ["I'll pass on this one, but please keep me posted", 'decline'],
    ['Helaas ben ik die middag ingedeeld op een andere locatie', 'decline'],
    ['Ik zal proberen er na mijn vorige afspraak nog bij te zijn', 'tentative'],
    ["Definitely, I wouldn't miss it", 'accept'],
    ['Heb helaas al iets staan die middag', 'decline'],
    ['Out of the country that week, sorry!', 'decline'],
    ['Ik ben zo vrij om mezelf aan te melden', 'accept'],
    ['Ik schat van wel', 'tentative'],
    ['I doubt it, to be honest', 'tentative'],
    ["We'll see, it's a busy month", 'tentative'],
    ["I'll do my best to be there", 'tentative'],
    ["It's touch and go whether I'll be back from Brussels in time", 'tentative'],
    ['Due to staff shortages we are unable to release anyone for the session', 'decline'],
    ['Top, wij zien jullie daar!', 'accept'],
    ['Dan heb ik vakantie, jammer!', 'decline'],
    ['You can count on me!', 'accept'],
    ['Oh jammer, mijn dochter is die dag jarig en ik ben vrij genomen', 'decline'],
    ['Ik ga niet, te ver rijden voor mij', 'decline'],
    ['Graag twee plekken voor de bijeenkomst van 26 november', 'accept'],
    ['Please accept my regrets for the 26th', 'decline'],
    ['Op 26 november sta ik de hele middag in de rechtbank in Breda', 'decline'],
    ['Ik overleg eerst even met mijn team wie er gaat', 'tentative'],
    ['Unfortunately I have a court hearing on the 26th', 'decline'],
    // No part about attending, or no sender: nothing.
    ['Bedankt voor de uitnodiging', null],
    ['De bijeenkomst is in het buitenland', null],
    ['Ik stuur de uitnodiging door', null],
  ];
  it.each(cases)('%s → %s', (text, intent) => {
    expect(scoreClause(text)?.intent ?? null).toBe(intent);
  });
});

describe('readFallbackIntent takes the sender\'s first statement', () => {
  it('skips questions and remarks about someone else', () => {
    expect(
      readFallbackIntent([
        { text: 'Kan ik eventueel later aansluiten', question: true, thirdParty: false },
        { text: 'mijn collega zit dan in het buitenland', question: false, thirdParty: true },
      ]),
    ).toBeNull();
  });

  it('carries difficulty to the next statement, and marks doubt as leaning to no', () => {
    const clause = (text: string) => ({ text, question: false, thirdParty: false });
    expect(readFallbackIntent([clause('Dat wordt lastig'), clause('ik heb die dag al twee andere overleggen')])?.intent).toBe('decline');
    expect(readFallbackIntent([clause('I doubt it')])).toMatchObject({ intent: 'tentative', leaningNo: true });
  });

  it('the first statement decides, with a weight below the review threshold', () => {
    const reading = readFallbackIntent([
      { text: 'Ik werk niet op maandag', question: false, thirdParty: false },
      { text: 'ik hoop er een volgende keer bij te zijn', question: false, thirdParty: false },
    ]);
    expect(reading?.intent).toBe('decline');
    expect(reading!.weight).toBeLessThan(0.75);
  });
});

import { describe, expect, it } from 'vitest';
import { detectPartySize } from './party.js';

const size = (text: string, intent: 'accept' | 'decline' | 'tentative' | null = 'accept') =>
  detectPartySize(text, intent).partySize;

describe('detectPartySize', () => {
  it.each([
    ['Ik kom.', 1],
    ['Wij komen met twee personen.', 2],
    ["We komen met z'n drieën.", 3],
    ['Wij komen met ons vieren.', 4],
    ["Ik kom met 2 collega's.", 3],
    ["Er komen 2 collega's.", 2],
    ['We komen met 4.', 4],
    ['Aanmelding voor één persoon.', 1],
    ['Wij komen met tien mensen.', 10],
    ['I will come with two colleagues.', 3],
    ["We'll be there with five people.", 5],
    ['Ik neem een collega mee.', 2],
    ['Mijn collega en ik komen.', 2],
    ['Namens ons komen Jan Jansen en Petra de Boer.', 2],
    ['Ik kom samen met Petra de Boer en Jan Jansen.', 3],
  ])('%s → %s', (text, expected) => {
    expect(size(text)).toBe(expected);
  });

  it('is 0 for a decline, whatever numbers the text has', () => {
    expect(size('Wij kunnen helaas niet met twee personen komen.', 'decline')).toBe(0);
  });

  it('cannot tell "wij komen" without a number', () => {
    expect(size('Wij komen graag.')).toBeNull();
  });

  it('is null without an intent', () => {
    expect(size('Kunnen wij met vijf personen komen?', null)).toBeNull();
  });

  it('does not count numbers that are not people', () => {
    expect(size('Ik kom om 15 uur, met de trein van 14.02.')).toBe(1);
  });
});

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
    // Companions, by count or taken along.
    ["Yes, I'll be there, and I'm bringing two colleagues from our Vlissingen team.", 3],
    ['Ben er bij!! Neem mn collega Jeroen mee', 2],
    ['Ik ben erbij en neem ook Sofie mee.', 2],
    ["Ondergetekende en beleidsmedewerker Tamara van 't Hof zullen de bijeenkomst bijwonen.", 2],
    ['I will attend together with my manager.', 2],
    // The sender is one of the number.
    ['Namens De Zeeuwse Haven komen er vijf medewerkers naar de bijeenkomst, ikzelf ben daar één van.', 5],
    // Named others, the sender not among them.
    ['Wij komen met 2 personen: Kees Verhage en Lotte Dingemanse.', 2],
    ['Namens Juvent meld ik Johan Schouwenaar en Anouk Meulmeester aan.', 2],
    ['Graag meld ik onze directeur, de heer P. Dekker, aan voor de bijeenkomst.', 1],
    // Corrections: the latest statement wins, a cancelled person is not counted.
    ['Eerder gaf ik drie personen door, maar het worden er twee: Erik Sponselee en ik.', 2],
    ['Linda van Dijk kan toch niet, dus we komen met twee personen (Ruben Tuinman en ik).', 2],
    // Lists and tables.
    ['Graag melden wij aan:\n\nAnton Boogaard\nYvonne de Visser\nRachid Bouzid', 3],
    ['Deelnemers:\n\nNaam\tFunctie\nHenk Sandee\tManager\nLieke van der Hooft\tGedragswetenschapper', 2],
    // The sender and who they add; not a phone number.
    ['Ik kom, plus 1.', 2],
    ['Count me in, +1!', 2],
    ['Ik kom. Bel me op +31 6 12345678.', 1],
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
    expect(size('Ik kom op 26 november om 15.00 uur en schuif aan bij sessie 2 in zaal 3.')).toBe(1);
    expect(size('Ik kom graag. Kerkstraat 12, 4461 AB Goes, KvK 12345678, IBAN NL91 ABNA 0417 1643 00, T 0113-234567')).toBe(1);
  });

  it('does not count someone the sender only checks with', () => {
    expect(size("I'd like to attend, but I have to check with my director first.", 'tentative')).toBe(1);
  });

  it.each([
    // Roles and numbers in a coordination, the sender added when they speak as "ik" or write no subject.
    ['Ik kom samen met onze directeur en een beleidsmedewerker.', 3],
    ['Ik en mijn collega komen graag.', 2],
    ['My manager and I will both attend.', 2],
    ['Ik schuif aan met twee teamgenoten.', 3],
    ['Ik meld me aan en kom met een collega en een stagiaire.', 3],
    ['Ik kom met Jan de Vries en een stagiaire.', 3],
    ['Ja, ik kom! Ik neem onze stagiair mee.', 2],
    ['Aanmelden: ja, met 1 collega (Tim de Boer).', 2],
    ['Graag meld ik mijzelf en mijn collega mevrouw J. de Vries aan.', 2],
    // A role appositive to a name is one person: "mijn collega Jan de Vries".
    ['Ik kom met mijn collega Jan de Vries en onze directeur, Erik Brouwer.', 3],
    // Under "wij", roles are who comes; whether the writer is among them is not said.
    ['Wij zijn aanwezig met onze directeur en een beleidsmedewerker.', 2],
    ["Wij zullen vertegenwoordigd zijn door twee collega's, de namen volgen nog.", 2],
    // "alleen" after a cancelled companion: the latest word on it.
    ['Mijn collega Joris Blok en ik hadden ons aangemeld, maar Joris is ziek. Ik kom dus alleen.', 1],
    ["Ik kom + 2 collega's", 3],
    ['I will come with our policy lead, Amy Cho.', 2],
    ["Yes, I'm coming and I'm bringing Jack Hill and Mia Ross from our office.", 3],
    ['Wij komen beiden: Tim Verlinde en Roos Janse.', 2],
    ['Ik kom graag en neem iemand mee van ons team.', 2],
    ["Hello, I am unable to attend, but I'm sending two colleagues in my place.", 2],
    ['Van onze organisatie komen een beleidsmedewerker en een teamleider; de namen volgen.', 2],
    ["Twee collega's en ik komen naar Heinkenszand.", 3],
    ["Hierbij een aanmelding voor mijzelf en twee collega's.", 3],
    // Consulted, hedged or travelling with is not brought along.
    ['Ik heb het met mijn collega en onze directeur besproken: ik kom namens ons.', 1],
    ['Ik kom zeker. Misschien komt mijn collega ook mee, dat hoort u nog.', 1],
    ['Ik kom, met de trein van 14.12 uur en 2 overstappen.', 1],
    ['Als pleegouders komen mijn man en ik graag.', 2],
    ["Ik kom niet alleen, ik neem twee collega's mee.", 3],
    ['Wij kunnen helaas niet met het hele team komen, alleen ik kom.', 1],
    ['Graag twee plekken voor de bijeenkomst van 26 november.', 2],
    // A doubt on the companion leaves them out; a doubt on the sender keeps who they would bring.
    ["I'll attend, possibly with a colleague.", 1],
    ['Yes, both of us will be there.', 2],
    ['Wij zijn er allebei bij.', 2],
    ['Just one from us – I\'ll be there.', 1],
    ['Namens de ouderraad kom ik samen met twee ouders.', 3],
    ["I'm attending and bringing our CEO, Mark Dean.", 2],
    ['My two colleagues and I will attend.', 3],
    ['Ik kom en neem onze twee stagiaires mee.', 3],
    ["Count me in, and I'll bring two more from the nursery.", 3],
  ])('counts a coordination: %s → %s', (text, expected) => {
    expect(size(text)).toBe(expected);
  });

  it('does not count people the sender talks with, or words that are no role', () => {
    expect(size('Ik kom, maar overleg eerst met mijn collega en onze directeur.')).toBe(1);
    expect(size('Ik kom met een beetje vertraging en een volle agenda.')).toBe(1);
  });

  it('counts who the sender would bring when the doubt is about the sender', () => {
    expect(size('Mogelijk kom ik, dan samen met een collega. Ik bevestig het volgende week.', 'tentative')).toBe(2);
  });

  it('cannot tell the number when it is still open', () => {
    expect(size('We komen met een paar mensen, de namen volgen nog.')).toBeNull();
  });
});

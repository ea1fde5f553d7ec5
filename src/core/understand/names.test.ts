import { describe, expect, it } from 'vitest';
import { cleanName as inviteeCleanName } from '../invitee-csv.js';
import { cleanName, detectAttendees, findListedNames, nameFromSignature, registeredNames, senderName } from './names.js';

const from = (name: string | null) => ({ address: 'x@aanbieder.example', name });

describe('cleanName', () => {
  it('puts the given name first, as the invitee import does', () => {
    expect(cleanName('Sinke, Roel')).toBe('Roel Sinke');
    expect(cleanName('  Roel   Sinke ')).toBe('Roel Sinke');
    expect(cleanName('Sinke, Roel')).toBe(inviteeCleanName('Sinke, Roel'));
    expect(cleanName(null)).toBeNull();
  });
});

describe('findListedNames', () => {
  it('reads names with tussenvoegsels and initials', () => {
    expect(findListedNames('Namens ons komen Willem van den Berg, J.P. ter Horst en Anna de Vries.').names).toEqual([
      'Willem van den Berg',
      'J.P. ter Horst',
      'Anna de Vries',
    ]);
  });

  it('tells companions of the sender from people named instead of the sender', () => {
    expect(findListedNames('Ik kom samen met mijn collega Petra de Boer.')).toEqual({ names: ['Petra de Boer'], kind: 'companions' });
    expect(findListedNames('Aanmelding: Jan Jansen, Petra de Boer')).toEqual({
      names: ['Jan Jansen', 'Petra de Boer'],
      kind: 'roster',
    });
  });

  it('does not take places, organisations or greetings for people', () => {
    expect(findListedNames('Goedemiddag, wij komen naar De Stenge in Heinkenszand met Stichting Juvent.').names).toEqual([]);
  });
});

describe('the sender\'s name', () => {
  it('comes from the line under the closing of the signature', () => {
    expect(nameFromSignature('Met vriendelijke groet,\n\nAnneke van der Meer\nTeamleider')).toBe('Anneke van der Meer');
    expect(nameFromSignature('Kind regards,\nSarah Mitchell')).toBe('Sarah Mitchell');
  });

  it('completes a given name alone from the From header', () => {
    expect(nameFromSignature('Groet,\nRoel', 'Sinke, Roel')).toBe('Roel Sinke');
  });

  it('is not a company line or a job title', () => {
    expect(nameFromSignature('Met vriendelijke groet,\nStichting Juvent BV')).toBeNull();
  });

  it('falls back to the display name, but not to an address or an organisation', () => {
    expect(senderName('Ik kom.', null, from('Sinke, Roel'))).toBe('Roel Sinke');
    expect(senderName('Ik kom.', null, from('roel@tragel.example'))).toBeNull();
    expect(senderName('Ik kom.', null, from('Secretariaat Emergis'))).toBeNull();
  });
});

describe('detectAttendees', () => {
  it('names the sender when they come themselves', () => {
    expect(detectAttendees('Ik kom graag.', null, from('Sinke, Roel'), 'accept', 1).attendees).toEqual(['Roel Sinke']);
  });

  it('does not name the sender when others are named instead', () => {
    expect(
      detectAttendees('Namens ons komen Jan Jansen en Petra de Boer.', null, from('Roel Sinke'), 'accept', 2).attendees,
    ).toEqual(['Jan Jansen', 'Petra de Boer']);
  });

  it('names the sender and their companions, sender first', () => {
    expect(
      detectAttendees('Ik kom samen met mijn collega Petra de Boer.', 'Met vriendelijke groet,\nJan Jansen', from(null), 'accept', 2)
        .attendees,
    ).toEqual(['Jan Jansen', 'Petra de Boer']);
  });

  it('is empty for a decline and when no name can be told', () => {
    expect(detectAttendees('Helaas verhinderd.', 'Groet,\nJan Jansen', from('Jan Jansen'), 'decline', 0).attendees).toEqual([]);
    expect(detectAttendees('Ik kom.', null, null, 'accept', 1).attendees).toEqual([]);
  });
});

describe('names in lists and tables', () => {
  it('reads one name per line as several people, not one long name', () => {
    expect(findListedNames('Graag melden wij aan:\n\nAnton Boogaard\nYvonne de Visser\nRachid Bouzid').names).toEqual([
      'Anton Boogaard',
      'Yvonne de Visser',
      'Rachid Bouzid',
    ]);
  });

  it.each([
    ['tab-separated (Excel)', 'Deelnemers:\n\nNaam\tFunctie\nHenk Sandee\tManager\nLieke van der Hooft\tGedragswetenschapper'],
    ['pipe-separated', 'Deelnemers:\n\n| Naam | Functie |\n|---|---|\n| Henk Sandee | Manager |\n| Lieke van der Hooft | Gedragswetenschapper |'],
    ['an HTML table as text', 'Deelnemers:\n\nNAAM                  FUNCTIE\nHenk Sandee           Manager\nLieke van der Hooft   Gedragswetenschapper'],
  ])('reads the name column of a table, %s', (_, text) => {
    expect(findListedNames(text).names).toEqual(['Henk Sandee', 'Lieke van der Hooft']);
  });

  it('puts given name, tussenvoegsel and surname columns together', () => {
    const text = 'Voornaam\tTussenvoegsel\tAchternaam\nMireille\t\tSchot\nWouter\tvan de\tVelde';
    expect(findListedNames(text).names).toEqual(['Mireille Schot', 'Wouter van de Velde']);
  });

  it('does not take one row with a bar for a table ("Marieke Adriaansens | Juvent Zeeland")', () => {
    expect(findListedNames('Ik meld mij aan.\nMarieke Adriaansens | Juvent Zeeland').names).toEqual([]);
  });

  it('takes titles and degrees off and puts the given name in brackets first', () => {
    expect(findListedNames('Aanmelding: prof. dr. Karel Boonstra en ing. Ineke Vos MBA.').names).toEqual(['Karel Boonstra', 'Ineke Vos']);
    expect(findListedNames('Namens onze praktijk komt mevrouw drs. E. (Esmée) Cijsouw-de Witte.').names).toEqual(['Esmée Cijsouw-de Witte']);
  });

  it('reads a long list of names in linear time (no backtracking blow-up)', () => {
    // Eight names took seconds when a word could be matched in as many ways as it had letters.
    const names = findListedNames(`Aanmelding: ${'Jan Jansen, '.repeat(300)}`).names;
    expect(names).toEqual(['Jan Jansen']);
  });
});

describe('companions and people registered by others', () => {
  const attendees = (text: string, signature: string | null, fromName: string | null, size: number | null = 2) =>
    detectAttendees(text, signature, from(fromName), 'accept', size).attendees;

  it('names a companion taken along by given name, and the sender', () => {
    expect(attendees('Ben er bij!! Neem mn collega Jeroen mee', null, 'Joyce van Weele')).toEqual(['Joyce van Weele', 'Jeroen']);
    expect(attendees('Ik kom graag en ik neem een collega mee, Bram de Koning.', 'Groet,\nBas Leijnse', null)).toEqual([
      'Bas Leijnse',
      'Bram de Koning',
    ]);
  });

  it('names a companion introduced by a job title', () => {
    expect(attendees("Ondergetekende en beleidsmedewerker Tamara van 't Hof zullen de bijeenkomst bijwonen.", null, 'Wim Minnaard')).toEqual([
      'Wim Minnaard',
      "Tamara van 't Hof",
    ]);
  });

  it('names the director a secretary registers, not the secretary', () => {
    expect(
      attendees('Graag meld ik onze directeur, de heer drs. P.J. (Pieter) Dekker, aan voor de bijeenkomst.', 'Met vriendelijke groet,\nAnnemiek Rijk', null, 1),
    ).toEqual(['Pieter Dekker']);
  });

  it('leaves out a person said to cancel, and keeps who the sender comes with', () => {
    expect(
      attendees('Correctie op onze aanmelding: Linda van Dijk kan toch niet, dus we komen met twee personen (Ruben Tuinman en ik).', null, 'Marco Stoel'),
    ).toEqual(['Marco Stoel', 'Ruben Tuinman']);
  });

  it('names nobody when who comes is still open', () => {
    expect(attendees('Wij komen waarschijnlijk, maar weten nog niet wie.', null, 'Saskia Verhage', null)).toEqual([]);
    expect(attendees('Wij komen.', null, 'Paul Wisse', null)).toEqual(['Paul Wisse']);
  });

  it('names the sender when the count has one more than the names listed', () => {
    expect(attendees("Ik kom met 2 collega's: Jan de Wit en Bas Kok.", null, 'Anna Smit', 3)).toEqual(['Anna Smit', 'Jan de Wit', 'Bas Kok']);
  });

  it('names the sender who is one of a number', () => {
    expect(attendees('Vanuit ons komen er vijf medewerkers, ikzelf ben daar één van.', null, 'Karin Dumoleyn', 5)).toEqual(['Karin Dumoleyn']);
  });
});

describe('the sender\'s name, not a sign-off, title or organisation', () => {
  it.each([
    ['Gr Hans', 'Hans Pieterse', 'Hans Pieterse'],
    ['Mvg Ineke', null, 'Ineke'],
    ['Groetjes, Ineke', null, 'Ineke'],
    ['vr.gr. Jan de Wit', null, 'Jan de Wit'],
    ['Cheers,\nOliver', 'Oliver Grant', 'Oliver Grant'],
    ['Groet,\nDirk Jan', 'Dirk Jan Ossewaarde', 'Dirk Jan Ossewaarde'],
    ['Groet,\nVan der Heijden', 'Peter van der Heijden', 'Peter van der Heijden'],
    ['Groet,\nVan der Heijden', null, 'Van der Heijden'],
    ['Met vriendelijke groet,\nW. (Wim) Minnaard\nTeamleider', null, 'Wim Minnaard'],
    ['Met vriendelijke groet / Kind regards,\nErik Kok', null, 'Erik Kok'],
    ['Kind regards,\nDr. Jane Doe, PhD', null, 'Jane Doe'],
  ])('%j (From %j) → %j', (signature, fromName, expected) => {
    expect(nameFromSignature(signature, fromName)).toBe(expected);
  });

  it.each([
    ['Groetjes,\nJeugdcoaching Zeeland', 'm.kole@jeugdcoaching-zeeland.example.test'],
    ['Vriendelijke groet,\nBeleidsmedewerker Jeugd\nStichting Juzt', 'a.kodde@juzt.example.test'],
    ['Met vriendelijke groet,\nBureau Congressen', 'events@hz.example.test'],
    ['Groet,\nKompas Noord', 'info@kompasnoord.example.test'],
  ])('%j is no person', (signature, address) => {
    expect(nameFromSignature(signature, null, address)).toBeNull();
  });

  it('keeps a person whose name is the domain', () => {
    expect(nameFromSignature('Groet,\nJoris Kant', 'Joris Kant', 'joris@joriskant.example.test')).toBe('Joris Kant');
    expect(nameFromSignature('Groet,\nMarco Goedegebuure', null, 'm@goedegebuure.example.test')).toBe('Marco Goedegebuure');
  });

  it('ignores a bar and organisation after the person in the From name', () => {
    expect(senderName('Ik kom.', 'Hartelijke groet,\nMarieke', { address: 'm@juvent.example.test', name: 'Marieke Adriaansens | Juvent Zeeland' })).toBe(
      'Marieke Adriaansens',
    );
  });
});

describe('registeredNames', () => {
  it('gives the people a reply registers by name', () => {
    expect(registeredNames('Ja, graag twee plaatsen op naam van Trudy Westerweele en Mohamed el Amrani.')).toEqual([
      'Trudy Westerweele',
      'Mohamed el Amrani',
    ]);
  });

  it('gives nobody for people named in passing or as companions of the sender', () => {
    expect(registeredNames('Via mijn collega Anja Visser kreeg ik de uitnodiging.')).toEqual([]);
    expect(registeredNames('Ik kom samen met Petra de Boer.')).toEqual([]);
  });
});

describe('who comes in a coordination', () => {
  it('does not name the writer when "wij" come with others named by role', () => {
    expect(detectAttendees('Wij zijn aanwezig met onze directeur en een beleidsmedewerker.', 'Groet,\nGerda Lamers', from(null), 'accept', 2).attendees).toEqual([]);
  });

  it('names the writer of "ik kom met" roles, and a name given after a role once', () => {
    expect(detectAttendees('Ik kom samen met onze directeur en een beleidsmedewerker.', 'Groet,\nHans Dekker', from(null), 'accept', 3).attendees).toEqual([
      'Hans Dekker',
    ]);
    expect(
      detectAttendees('Graag meld ik mijzelf en mijn collega mevrouw J. de Vries aan.', 'Hoogachtend,\nJeroen Polderman', from(null), 'accept', 2).attendees,
    ).toEqual(['Jeroen Polderman', 'J. de Vries']);
  });

  it('reads a name after "ik," as the sender, not a second person', () => {
    const listed = findListedNames('Namens GGZ Delfland zal ik, Merel Schouten, de bijeenkomst bijwonen.');
    expect(listed.names).toEqual([]);
  });

  it('reads names in brackets after a number of people', () => {
    expect(findListedNames('Wij komen met twee personen (Tim de Boer en Sara Haddou).').names).toEqual(['Tim de Boer', 'Sara Haddou']);
  });

  it('counts the sender listed in a registration as registering', () => {
    expect(registeredNames('There will be two of us: Ben Carter and myself.')).toEqual(['Ben Carter']);
  });

  it('completes a signature of initials from the From name when initial and surname agree', () => {
    expect(nameFromSignature('Hoogachtend,\n\nmr. A. Hoek', 'Astrid Hoek')).toBe('Astrid Hoek');
    expect(nameFromSignature('Hoogachtend,\n\nmr. B. Hoek', 'Astrid Hoek')).toBe('B. Hoek');
  });
});

describe('names after a statement about who comes', () => {
  it('reads names after "beiden:", "will:" and after "bringing"', () => {
    expect(findListedNames('Wij komen beiden: Tim Verlinde en Roos Janse.').names).toEqual(['Tim Verlinde', 'Roos Janse']);
    expect(findListedNames("I can't attend myself, but two colleagues will: Tom Hale and Ria Gomes.").names).toEqual(['Tom Hale', 'Ria Gomes']);
    expect(findListedNames("I'm bringing Jack Hill and Mia Ross from our office.").names).toEqual(['Jack Hill', 'Mia Ross']);
  });

  it('reads a companion after a role with a word before it', () => {
    expect(findListedNames('Ik kom, en neem mijn nieuwe collega Jelle Buijs mee.').names).toEqual(['Jelle Buijs']);
    expect(findListedNames('I will come with our policy lead, Amy Cho.').names).toEqual(['Amy Cho']);
  });

  it('does not take an adverb opening a sentence for a name', () => {
    expect(findListedNames('Ik kom zeker. Misschien komt mijn collega ook mee.').names).toEqual([]);
  });

  it('names nobody when how many come is still open', () => {
    expect(
      detectAttendees('We komen met de hele afdeling, hoeveel precies laat ik nog weten.', 'Groet,\nNicole Verhulst', from(null), 'accept', null).attendees,
    ).toEqual([]);
  });
});

describe('names introduced by te weten, a count or a place taken', () => {
  it('reads names after te weten, we will be three:, aanmelding 2x: and in plaats van mij komt', () => {
    expect(findListedNames('Namens Stichting Kans zullen twee afgevaardigden aanwezig zijn, te weten mevrouw A. Lambers en de heer R. Fontein.').names).toEqual([
      'A. Lambers',
      'R. Fontein',
    ]);
    expect(findListedNames("We'll be three: myself, Emma Klein and Lukas Braun.")).toMatchObject({ names: ['Emma Klein', 'Lukas Braun'], selfListed: true });
    expect(findListedNames('Aanmelding 2x: Tom Huijsman en Nina Brand.').names).toEqual(['Tom Huijsman', 'Nina Brand']);
    expect(findListedNames('Ik ga met pensioen; in plaats van mij komt mijn opvolger Kim Jansen.').names).toEqual(['Kim Jansen']);
  });

  it('names nobody for a group of open size, but the sender of a plain "wij komen"', () => {
    expect(detectAttendees('Wij komen.', 'Carla', from('Carla Wisse'), 'accept', null).attendees).toEqual(['Carla Wisse']);
    expect(detectAttendees("Leuk! We komen met z'n allen.", 'Carla', from('Carla Wisse'), 'accept', null).attendees).toEqual([]);
  });
});

describe('names of others who come', () => {
  it('reads names before komen after a greeting word', () => {
    expect(findListedNames('Beste, Jan Hoekstra en Piet Wagemaker komen namens ons, ik zelf niet.').names).toEqual(['Jan Hoekstra', 'Piet Wagemaker']);
  });

  it('reads names after a number of colleagues and a colon, and a role with the name in brackets', () => {
    expect(findListedNames('Three colleagues will attend on our behalf: Ruth Ellis, Sam Patel and Kate Moore.').names).toEqual([
      'Ruth Ellis',
      'Sam Patel',
      'Kate Moore',
    ]);
    expect(findListedNames('Ik kom samen met onze voorzitter (Arjan Dijkhuizen).').names).toEqual(['Arjan Dijkhuizen']);
    expect(findListedNames('Ik kom en een collega van mij, Evi Roelofs, komt ook.').names).toEqual(['Evi Roelofs']);
  });

  it('keeps a colleague named in passing when their sentence says they come', () => {
    expect(
      detectAttendees('Ik ben erbij. Mijn collega Lotte Bos schuift om half vier aan.', 'Hugo Steenbergen', from(null), 'accept', 2).attendees,
    ).toEqual(['Hugo Steenbergen', 'Lotte Bos']);
    expect(detectAttendees('Ik kom. Mijn collega Lotte Bos komt niet.', 'Hugo Steenbergen', from(null), 'accept', 1).attendees).toEqual([
      'Hugo Steenbergen',
    ]);
  });
});

describe('names sharing a surname and names after van ons gaan', () => {
  it('gives a given name the surname written once for two ("Jan en Marieke Smit")', () => {
    expect(detectAttendees('Wij komen samen: Jan en Marieke Smit.', 'Jan', from('Jan Smit'), 'accept', 2).attendees).toEqual(['Jan Smit', 'Marieke Smit']);
  });

  it('reads the names after "Van ons gaan"', () => {
    expect(findListedNames('Van ons gaan Leon Dam en Iris Mol naar de bijeenkomst.').names).toEqual(['Leon Dam', 'Iris Mol']);
  });
});

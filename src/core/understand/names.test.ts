import { describe, expect, it } from 'vitest';
import { cleanName as inviteeCleanName } from '../invitee-csv.js';
import { cleanName, detectAttendees, findListedNames, nameFromSignature, senderName } from './names.js';

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

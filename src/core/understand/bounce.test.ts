import { describe, expect, it } from 'vitest';
import { detectBounce, readDeliveryStatus, originalMessageIdIn, type BounceInput } from './bounce.js';

const part = (contentType: string, text: string) => ({ contentType, filename: null, content: Buffer.from(text) });

const base: BounceInput = {
  contentType: 'multipart/report',
  contentTypeParams: { 'report-type': 'delivery-status' },
  from: { address: 'MAILER-DAEMON@mx.example.test', name: 'Mail Delivery System' },
  to: [{ address: 'rsvp@ijz.example.test', name: null }],
  subject: 'Undelivered Mail Returned to Sender',
  text: '',
  parts: [],
};

describe('readDeliveryStatus (RFC 3464)', () => {
  it('reads each per-recipient group with folded fields', () => {
    const recipients = readDeliveryStatus(
      'Reporting-MTA: dns; mx.example.test\n\nFinal-Recipient: rfc822; a@x.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user\n   unknown\n\nFinal-Recipient: rfc822;b@x.test\nAction: delayed\nStatus: 4.4.7\n',
    );
    expect(recipients).toEqual([
      { address: 'a@x.test', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 user unknown' },
      { address: 'b@x.test', action: 'delayed', status: '4.4.7', diagnostic: null },
    ]);
  });
  it('prefers Original-Recipient (what we sent to) over a rewritten Final-Recipient', () => {
    const [r] = readDeliveryStatus('Original-Recipient: rfc822;Jan@Oud.test\nFinal-Recipient: rfc822;jan@nieuw.test\nAction: failed\nStatus: 5.0.0\n');
    expect(r?.address).toBe('jan@oud.test');
  });
});

describe('detectBounce', () => {
  it('is permanent only when every recipient failed', () => {
    const ds = 'Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@x.test\nAction: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822; b@x.test\nAction: delayed\nStatus: 4.4.1\n';
    const info = detectBounce({ ...base, parts: [part('message/delivery-status', ds)] });
    expect(info?.recipients.map((r) => r.address)).toEqual(['a@x.test', 'b@x.test']);
    expect(info?.permanent).toBe(false);
  });

  it('treats 5.x.x without an Action as failed', () => {
    const info = detectBounce({ ...base, parts: [part('message/delivery-status', 'Final-Recipient: rfc822; a@x.test\nStatus: 5.2.2\n')] });
    expect(info?.permanent).toBe(true);
  });

  it('leaves out recipients that were delivered or relayed', () => {
    const ds = 'Final-Recipient: rfc822; ok@x.test\nAction: delivered\nStatus: 2.0.0\n\nFinal-Recipient: rfc822; bad@x.test\nAction: failed\nStatus: 5.1.1\n';
    const info = detectBounce({ ...base, parts: [part('message/delivery-status', ds)] });
    expect(info?.recipients.map((r) => r.address)).toEqual(['bad@x.test']);
    expect(info?.permanent).toBe(true);
  });

  it('reads the original Message-ID from text/rfc822-headers, folded', () => {
    expect(originalMessageIdIn([part('text/rfc822-headers', 'From: a@b\nMessage-ID:\n <orig-1@ijz.example.test>\nSubject: x\n')], '')).toBe('orig-1@ijz.example.test');
    expect(originalMessageIdIn([part('message/rfc822', 'Message-Id: <orig-2@x>\n\nbody Message-ID: <no@x>')], '')).toBe('orig-2@x');
  });

  it('reads a Gmail-style text bounce from mailer-daemon', () => {
    const info = detectBounce({
      ...base,
      contentType: 'text/plain',
      contentTypeParams: {},
      subject: 'Delivery Status Notification (Failure)',
      text: "** Address not found **\n\nYour message wasn't delivered to jan@weg.test because the address couldn't be found.\n\n550 5.1.1 The email account does not exist.",
    });
    expect(info?.recipients).toEqual([{ address: 'jan@weg.test', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 The email account does not exist.' }]);
    expect(info?.permanent).toBe(true);
  });

  it('reads a Dutch Exchange text bounce ("Uw bericht aan … kan niet worden bezorgd")', () => {
    const info = detectBounce({
      ...base,
      from: { address: 'postmaster@x.test', name: null },
      contentType: 'text/plain',
      contentTypeParams: {},
      subject: 'Onbestelbaar: Uitnodiging',
      text: 'Uw bericht aan piet@x.test kan niet worden bezorgd.\n\n550 5.1.10 RESOLVER.ADR.RecipientNotFound',
    });
    expect(info?.recipients[0]?.address).toBe('piet@x.test');
    expect(info?.recipients[0]?.status).toBe('5.1.10');
  });

  it('marks a text delay notice as not permanent', () => {
    const info = detectBounce({
      ...base,
      contentType: 'text/plain',
      contentTypeParams: {},
      subject: 'Delivery Status Notification (Delay)',
      text: "Your message to jan@traag.test has been delayed. We'll keep trying.\n\n451 4.4.1 timeout",
    });
    expect(info?.recipients[0]?.action).toBe('delayed');
    expect(info?.permanent).toBe(false);
  });

  it('does not take an ordinary mail from a person for a bounce', () => {
    expect(
      detectBounce({
        ...base,
        from: { address: 'jan@x.test', name: 'Jan' },
        contentType: 'text/plain',
        contentTypeParams: {},
        subject: 'Re: Uitnodiging',
        text: 'Mijn vorige mail kwam niet aan (undelivered), dus nogmaals: ik kom.',
      }),
    ).toBeNull();
  });

  it('reads an Exim "address(es) failed" list', () => {
    const info = detectBounce({
      ...base,
      contentType: 'text/plain',
      contentTypeParams: {},
      subject: 'Mail delivery failed: returning message to sender',
      text: 'A message that you sent could not be delivered to one or more of\nits recipients. The following address(es)\nfailed:\n\n  weg@oud.test\n    SMTP error from remote mail server after RCPT TO: 550 5.1.1 unknown\n',
    });
    expect(info?.recipients.map((r) => r.address)).toEqual(['weg@oud.test']);
  });

  it('falls back to the To of the returned message when the report names nobody', () => {
    const info = detectBounce({
      ...base,
      contentType: 'text/plain',
      contentTypeParams: {},
      subject: 'Returned mail: Cannot send message for 4 days',
      text: '   ----- Transcript of session follows -----\n421 host... Deferred: Connection timed out\n\n   ----- Unsent message follows -----\nFrom: rsvp@ijz.example.test\nTo: piet@traag.test\nSubject: Uitnodiging\n',
    });
    expect(info?.recipients.map((r) => r.address)).toEqual(['piet@traag.test']);
  });

  it('still reports a bounce from mailer-daemon whose recipients cannot be read', () => {
    const info = detectBounce({ ...base, contentType: 'text/plain', contentTypeParams: {}, to: [], subject: 'failure notice', text: 'Sorry, it did not work.' });
    expect(info).toEqual({ recipients: [], originalMessageId: null, permanent: false });
  });
});

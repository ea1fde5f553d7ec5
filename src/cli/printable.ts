/**
 * Text from senders (names, reply text, subjects) shown on a coordinator's terminal. A reply can
 * carry control characters (an encoded word decodes to anything, RFC 2047), and a terminal acts
 * on them: ESC sequences recolour, retitle, rewrite earlier lines or (OSC 52) set the clipboard;
 * bidirectional overrides make text read differently from what it is. Each such character is
 * shown as U+FFFD instead, and line breaks and tabs as one space, so one item stays one line.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(CONTROL, '\ufffd');
}

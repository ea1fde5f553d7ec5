import { describe, expect, it } from 'vitest';
import { eraseNames, redactText } from './forget.js';

describe('redactText: the address, and beside it the names', () => {
  const email = 'roel@zorgpunt.example';
  it.each([
    ['Roel Sinke <roel@zorgpunt.example>: geaccepteerd', 'Roel Sinke', '[erased] <[erased]>: geaccepteerd'],
    ['Contact: ROEL@Zorgpunt.Example.', 'Roel Sinke', 'Contact: [erased].'],
    // No address: the same name may be someone else's; left alone.
    ['Roel Sinke komt ook', 'Roel Sinke', 'Roel Sinke komt ook'],
    // Whole names only, and their HTML-escaped form.
    ['<td>Roel Sinkema, roel@zorgpunt.example</td>', 'Roel Sinke', '<td>Roel Sinkema, [erased]</td>'],
    ["<p>Roel O&#39;Neill &lt;roel@zorgpunt.example&gt;</p>", "Roel O'Neill", '<p>[erased] &lt;[erased]&gt;</p>'],
  ])('%j', (text, name, expected) => {
    expect(redactText(text, email, [name])).toBe(expected);
  });
});

describe('eraseNames', () => {
  it('replaces every whole occurrence, any case, letters with diacritics as word characters', () => {
    expect(eraseNames('Jan Jansen en Zoë de Wit; zoë de wit komt. Zoë de Witte niet.', ['Zoë de Wit'])).toBe('Jan Jansen en [erased]; [erased] komt. Zoë de Witte niet.');
  });
});

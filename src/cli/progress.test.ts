import { describe, expect, it } from 'vitest';
import { createProgress, formatProgress } from './progress.js';
import { colourWanted, createColours, ANSI_PATTERN } from './colour.js';
import { chooseTemplates, PREVIEW_TEMPLATES } from './preview.js';

describe('formatProgress', () => {
  it.each([
    [0, 100, /\[\.+\]  0\/100   0%$/],
    [45, 100, /\[#+\.+\]  45\/100  45%$/],
    [100, 100, /\[#+\]  100\/100 100%$/],
    [120, 100, /100\/100 100%$/],
    [7, null, /^storing  7$/],
  ])('%s of %s', (done, total, expected) => {
    expect(formatProgress(total === null ? 'storing' : 'invite', done, total)).toMatch(expected);
  });

  it('fits the terminal width', () => {
    expect(formatProgress('importing', 5, 10, 40).length).toBeLessThanOrEqual(40);
  });
});

describe('createProgress', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { isTTY, columns: 80, written, write: (s: string) => written.push(s) };
  };

  it('draws nothing when stderr is not a terminal', () => {
    const s = stream(false);
    const bar = createProgress('invite', { stream: s, clock: () => 1_000 });
    bar.update(1, 2);
    bar.update(2, 2);
    bar.finish();
    expect(s.written).toEqual([]);
  });

  it('redraws at most once per interval on a terminal, always the end, and clears the line', () => {
    let t = 0;
    const s = stream(true);
    const bar = createProgress('invite', { stream: s, intervalMs: 100, clock: () => t });
    t = 150;
    bar.update(1, 10);
    t = 160;
    bar.update(2, 10); // within the interval: skipped
    t = 170;
    bar.update(10, 10); // the end: drawn
    bar.finish();
    expect(s.written).toHaveLength(3);
    expect(s.written[0]).toMatch(/^\rinvite  \[.*1\/10/);
    expect(s.written[1]).toMatch(/10\/10 100%/);
    expect(s.written[2]).toBe('\r\x1b[K');
  });
});

describe('colourWanted', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '0' }, false],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  ])('tty %s, env %j → %s', (isTTY, env, expected) => {
    expect(colourWanted({ isTTY }, env)).toBe(expected);
  });

  it('leaves text alone when off', () => {
    expect(createColours(false).red('✗')).toBe('✗');
    expect(createColours(true).red('✗').replace(ANSI_PATTERN, '')).toBe('✗');
    expect(createColours(true).red('✗')).not.toBe('✗');
  });
});

describe('chooseTemplates', () => {
  it('takes all, one, or a list, and names the known ones for a typo', () => {
    expect(chooseTemplates('all')).toEqual([...PREVIEW_TEMPLATES]);
    expect(chooseTemplates('digest')).toEqual(['digest']);
    expect(chooseTemplates('invitation, waitlisted,invitation')).toEqual(['invitation', 'waitlisted']);
    expect(() => chooseTemplates('uitnodiging')).toThrow(/no template "uitnodiging" \(known: all, invitation/);
  });
});

import { describe, expect, it } from 'vitest';
import { TemplateError, escapeHtml, parseTemplate, renderTemplate, type RenderContext } from './template-engine.js';

const strings: Record<string, string> = {
  greet: 'Geachte {name},',
  row: '{label}: {value}',
  multi: 'regel een\nregel twee',
};
const text: RenderContext = { escape: (s) => s, lookupString: (k) => strings[k] ?? '', templateName: 't' };
const html: RenderContext = { escape: escapeHtml, lookupString: (k) => strings[k] ?? '', finishString: (s) => s.replace(/\n/g, '<br />'), templateName: 't' };
const run = (src: string, data: unknown, ctx = text) => renderTemplate(parseTemplate(src, 't'), data, ctx);

describe('values and strings', () => {
  it('escapes values and filled-in strings in HTML, but not in text', () => {
    const data = { name: 'Jan & <b>Piet</b> "Q"' };
    expect(run('<p>{{name}}</p>', data, html)).toBe('<p>Jan &amp; &lt;b&gt;Piet&lt;/b&gt; &quot;Q&quot;</p>');
    expect(run('{{t:greet}}', data, html)).toBe('Geachte Jan &amp; &lt;b&gt;Piet&lt;/b&gt; &quot;Q&quot;,');
    expect(run('{{t:greet}}', data)).toBe('Geachte Jan & <b>Piet</b> "Q",');
  });

  it('turns line breaks of a string into <br /> in HTML only', () => {
    expect(run('{{t:multi}}', {}, html)).toBe('regel een<br />regel twee');
    expect(run('{{t:multi}}', {})).toBe('regel een\nregel twee');
  });

  it('reads dotted paths and prints null as nothing', () => {
    expect(run('{{a.b}}|{{c}}', { a: { b: 3 }, c: null })).toBe('3|');
  });

  it('throws on a value missing from the data rather than leaving a hole', () => {
    expect(() => run('{{missing}}', {})).toThrow(TemplateError);
    expect(() => run('{{t:greet}}', {})).toThrow(/name/);
    expect(() => run('{{a.b}}', { a: {} })).toThrow(/a\.b/);
  });

  it('refuses to print a list or object', () => {
    expect(() => run('{{xs}}', { xs: [1] })).toThrow(/list/);
  });
});

describe('blocks', () => {
  it('if / else / unless', () => {
    const src = '{{#if on}}A{{else}}B{{/if}}{{#unless on}}C{{/unless}}';
    expect(run(src, { on: true })).toBe('A');
    expect(run(src, { on: false })).toBe('BC');
    expect(run(src, { on: [] })).toBe('BC');
    expect(run(src, { on: 0 })).toBe('BC');
  });

  it('each, with this, the item fields, outer values and an else for an empty list', () => {
    const src = '{{#each rows}}[{{label}}={{value}}/{{sep}}]{{else}}none{{/each}}';
    expect(run(src, { sep: ';', rows: [{ label: 'a', value: 1 }, { label: 'b', value: 2 }] })).toBe('[a=1/;][b=2/;]');
    expect(run(src, { sep: ';', rows: [] })).toBe('none');
    expect(run('{{#each xs}}{{this}},{{/each}}', { xs: ['x', 'y'] })).toBe('x,y,');
    expect(run('{{#each rows}}{{t:row}};{{/each}}', { rows: [{ label: 'L', value: 'V' }] })).toBe('L: V;');
  });

  it('removes the whole line of a block tag standing alone, keeps inline ones', () => {
    const src = 'a\n{{#if on}}\n  b\n{{/if}}\nc {{#if on}}d{{/if}}\n';
    expect(run(src, { on: true })).toBe('a\n  b\nc d\n');
    expect(run(src, { on: false })).toBe('a\nc \n');
  });

  it('reports template mistakes with the line', () => {
    expect(() => parseTemplate('x\n{{#if a}}', 'f.txt')).toThrow(/f\.txt:2: #if is never closed/);
    expect(() => parseTemplate('{{#if a}}{{/each}}', 'f')).toThrow(/closes #if/);
    expect(() => parseTemplate('{{/if}}', 'f')).toThrow(/without an opening/);
    expect(() => parseTemplate('{{else}}', 'f')).toThrow(/outside/);
    expect(() => parseTemplate('{{a b}}', 'f')).toThrow(/bad value path/);
    expect(() => parseTemplate('{{#each a}}{{else}}{{else}}{{/each}}', 'f')).toThrow(/second/);
  });

  it('leaves no tag unparsed', () => {
    expect(run('{{ spaced }}', { spaced: 'ok' })).toBe('ok');
  });
});

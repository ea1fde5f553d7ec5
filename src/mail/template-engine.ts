/**
 * A tiny logic-less template language for the mail templates in emails/, shared by the MJML
 * layouts and their plain-text twins so both parts say the same thing:
 *
 *   {{path.to.value}}          a value; HTML-escaped when rendering HTML
 *   {{t:key}}                  a string from the language file, with `{path}` placeholders filled
 *                              from the same data (escaped as a whole when rendering HTML)
 *   {{#if path}}…{{else}}…{{/if}}, {{#unless path}}…{{/unless}}
 *   {{#each path}}…{{else}}…{{/each}}   the item is `this`; its fields are looked up first
 *
 * There is deliberately no way to emit unescaped data. A template is parsed once into a tree and
 * the tree is rendered per mail. Mistakes in a template (unknown tag, unclosed block, a value
 * missing from the data) throw: a template bug must not go out as a half-filled mail.
 * A block tag alone on its line takes the whole line with it, as in Mustache, so the text twins
 * can put `{{#if}}` on lines of their own without leaving blank lines behind.
 */

export type TemplateNode =
  | { kind: 'text'; value: string }
  | { kind: 'value'; path: string }
  | { kind: 'string'; key: string }
  | { kind: 'if'; path: string; negate: boolean; then: TemplateNode[]; otherwise: TemplateNode[] }
  | { kind: 'each'; path: string; body: TemplateNode[]; otherwise: TemplateNode[] };

export class TemplateError extends Error {
  readonly code = 'ETEMPLATE';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^(this|[A-Za-z_][\w]*)(\.[A-Za-z_][\w]*)*$/;
const KEY = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;

type Token = { type: 'text'; value: string } | { type: 'tag'; body: string; at: number };

function isBlockTag(body: string): boolean {
  return body.startsWith('#') || body.startsWith('/') || body === 'else';
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    const at = m.index;
    if (at > last) tokens.push({ type: 'text', value: source.slice(last, at) });
    tokens.push({ type: 'tag', body: m[1] ?? '', at });
    last = at + m[0].length;
  }
  if (last < source.length) tokens.push({ type: 'text', value: source.slice(last) });
  // Standalone block tags: drop the indentation before and the line break after.
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.type !== 'tag' || !isBlockTag(tok.body)) continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const prevText = prev?.type === 'text' ? prev.value : i === 0 ? '' : null;
    const nextText = next?.type === 'text' ? next.value : i === tokens.length - 1 ? '' : null;
    if (prevText === null || nextText === null) continue;
    const before = /(^|\n)[ \t]*$/.exec(prevText);
    const after = /^[ \t]*(\r?\n|$)/.exec(nextText);
    if (!before || !after) continue;
    if (prev?.type === 'text') prev.value = prevText.slice(0, before.index + before[1]!.length);
    if (next?.type === 'text') next.value = nextText.slice(after[0].length);
  }
  return tokens;
}

function lineOf(source: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses a template once; the tree is then rendered any number of times. */
export function parseTemplate(source: string, name: string): TemplateNode[] {
  const tokens = tokenize(source);
  type Frame = { kind: 'if' | 'unless' | 'each'; node: Extract<TemplateNode, { kind: 'if' | 'each' }>; inElse: boolean; at: number };
  const root: TemplateNode[] = [];
  const stack: Frame[] = [];
  const target = (): TemplateNode[] => {
    const top = stack[stack.length - 1];
    if (!top) return root;
    if (top.node.kind === 'if') return top.inElse ? top.node.otherwise : top.node.then;
    return top.inElse ? top.node.otherwise : top.node.body;
  };
  const fail = (msg: string, at: number): never => {
    throw new TemplateError(`${name}:${lineOf(source, at)}: ${msg}`);
  };
  const checkPath = (path: string, at: number) => {
    if (!PATH.test(path)) fail(`bad value path "${path}"`, at);
  };

  for (const tok of tokens) {
    if (tok.type === 'text') {
      if (tok.value) target().push({ kind: 'text', value: tok.value });
      continue;
    }
    const body = tok.body;
    const block = /^#(if|unless|each)\s+(\S+)$/.exec(body);
    if (block) {
      const kind = block[1] as 'if' | 'unless' | 'each';
      const path = block[2]!;
      checkPath(path, tok.at);
      const node: Extract<TemplateNode, { kind: 'if' | 'each' }> =
        kind === 'each'
          ? { kind: 'each', path, body: [], otherwise: [] }
          : { kind: 'if', path, negate: kind === 'unless', then: [], otherwise: [] };
      target().push(node);
      stack.push({ kind, node, inElse: false, at: tok.at });
    } else if (body === 'else') {
      const top = stack[stack.length - 1];
      if (!top) fail('{{else}} outside a block', tok.at);
      if (top!.inElse) fail('second {{else}} in one block', tok.at);
      top!.inElse = true;
    } else if (/^\/(if|unless|each)$/.test(body)) {
      const top = stack.pop();
      if (!top) fail(`${body} without an opening tag`, tok.at);
      if (`/${top!.kind}` !== body) fail(`${body} closes #${top!.kind} opened on line ${lineOf(source, top!.at)}`, tok.at);
    } else if (body.startsWith('t:')) {
      const key = body.slice(2).trim();
      if (!KEY.test(key)) fail(`bad string key "${key}"`, tok.at);
      target().push({ kind: 'string', key });
    } else {
      checkPath(body, tok.at);
      target().push({ kind: 'value', path: body });
    }
  }
  const open = stack.pop();
  if (open) fail(`#${open.kind} is never closed`, open.at);
  return root;
}

export interface RenderContext {
  /** Applied to every value and every filled-in string: HTML escaping, or identity for text. */
  escape: (raw: string) => string;
  /** The raw (unescaped) string for `key`, still with its `{path}` placeholders. */
  lookupString: (key: string) => string;
  /** Turns an escaped, filled-in string into output (HTML: line breaks become <br>). */
  finishString?: (escaped: string) => string;
  /** For error messages. */
  templateName: string;
}

type Scope = readonly unknown[];

function resolve(path: string, scope: Scope, ctx: RenderContext): unknown {
  const [head, ...rest] = path.split('.');
  let value: unknown;
  if (head === 'this') {
    value = scope[scope.length - 1];
  } else {
    let found = false;
    for (let i = scope.length - 1; i >= 0; i--) {
      const frame = scope[i];
      if (frame !== null && typeof frame === 'object' && Object.prototype.hasOwnProperty.call(frame, head!)) {
        value = (frame as Record<string, unknown>)[head!];
        found = true;
        break;
      }
    }
    if (!found) throw new TemplateError(`${ctx.templateName}: no value "${path}" in the data`);
  }
  for (const part of rest) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) {
      throw new TemplateError(`${ctx.templateName}: no value "${path}" in the data`);
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined && value !== false && value !== '' && value !== 0;
}

function stringify(value: unknown, path: string, ctx: RenderContext): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${ctx.templateName}: "${path}" is a ${Array.isArray(value) ? 'list' : typeof value}, not a printable value`);
}

/** Fills `{path}` placeholders of a language string; every filled-in value is escaped too. */
export function fillString(raw: string, scope: Scope, ctx: RenderContext, key: string): string {
  let out = '';
  let last = 0;
  for (const m of raw.matchAll(/\{([A-Za-z_][\w.]*)\}/g)) {
    out += ctx.escape(raw.slice(last, m.index));
    const path = m[1]!;
    try {
      out += ctx.escape(stringify(resolve(path, scope, ctx), path, ctx));
    } catch (err) {
      throw new TemplateError(`${(err as Error).message} (string "${key}")`);
    }
    last = m.index + m[0].length;
  }
  out += ctx.escape(raw.slice(last));
  return ctx.finishString ? ctx.finishString(out) : out;
}

function renderInto(nodes: readonly TemplateNode[], scope: Scope, ctx: RenderContext, out: string[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out.push(node.value);
        break;
      case 'value':
        out.push(ctx.escape(stringify(resolve(node.path, scope, ctx), node.path, ctx)));
        break;
      case 'string':
        out.push(fillString(ctx.lookupString(node.key), scope, ctx, node.key));
        break;
      case 'if': {
        const on = truthy(resolve(node.path, scope, ctx)) !== node.negate;
        renderInto(on ? node.then : node.otherwise, scope, ctx, out);
        break;
      }
      case 'each': {
        const list = resolve(node.path, scope, ctx);
        if (list !== null && list !== undefined && !Array.isArray(list)) {
          throw new TemplateError(`${ctx.templateName}: #each ${node.path} is not a list`);
        }
        if (!list || list.length === 0) renderInto(node.otherwise, scope, ctx, out);
        else for (const item of list) renderInto(node.body, [...scope, item], ctx, out);
        break;
      }
    }
  }
}

export function renderTemplate(nodes: readonly TemplateNode[], data: unknown, ctx: RenderContext): string {
  const out: string[] = [];
  renderInto(nodes, [data], ctx, out);
  return out.join('');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(raw: string): string {
  return raw.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type MjmlCompiler, cachedCompiler } from './templates.js';

describe('cachedCompiler', () => {
  it('compiles a template once across compilers sharing the cache folder, and keeps no layout with errors', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'mjml-cache-'));
    const calls: string[] = [];
    const compile: MjmlCompiler = async (source) => {
      calls.push(source);
      return source.includes('broken') ? { html: '', errors: [{ message: 'broken' }] } : { html: `<html>${source}</html>`, errors: [] };
    };
    const options = { filePath: join(cacheDir, 'emails', 'x.mjml') };
    // Two processes' worth of compilers: the second finds the first one's result on disk.
    expect(await cachedCompiler(compile, cacheDir)('<mjml>a</mjml>', options)).toEqual({ html: '<html><mjml>a</mjml></html>', errors: [] });
    expect(await cachedCompiler(compile, cacheDir)('<mjml>a</mjml>', options)).toEqual({ html: '<html><mjml>a</mjml></html>', errors: [] });
    expect(calls).toEqual(['<mjml>a</mjml>']);
    // Another source is another entry.
    await cachedCompiler(compile, cacheDir)('<mjml>b</mjml>', options);
    expect(calls).toHaveLength(2);
    // Errors are reported every time, never served from the cache.
    expect((await cachedCompiler(compile, cacheDir)('<mjml>broken</mjml>', options)).errors).toHaveLength(1);
    expect((await cachedCompiler(compile, cacheDir)('<mjml>broken</mjml>', options)).errors).toHaveLength(1);
    expect(calls).toHaveLength(4);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.html'))).toHaveLength(2);
  });
});

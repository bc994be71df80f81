import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS as E2E_CORPUS } from '../e2e/helpers';
import { CORPUS as LIBRARY_CORPUS } from '../core/library/helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Tracked text files worth reading (sources, scripts, docs, configs). */
function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => /\.(ts|mts|mjs|js|cjs|json|md|svelte|yml|yaml|sh)$|^\.ci\//.test(f))
    .filter((f) => !f.startsWith('test/fixtures/') && f !== 'package-lock.json');
}

function inside(p: string): boolean {
  const rel = path.relative(ROOT, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

describe('the repository stands on its own', () => {
  it('keeps the real-audio corpus inside the repository, with its provenance', () => {
    for (const corpus of [E2E_CORPUS, LIBRARY_CORPUS]) {
      expect(inside(corpus), corpus).toBe(true);
      expect(existsSync(corpus), corpus).toBe(true);
    }
    const readme = readFileSync(path.join(ROOT, 'test/fixtures/README.md'), 'utf8');
    expect(readme).toContain('github.com/Borewit/music-metadata');
    expect(readme).toContain('The MIT License');
  });

  it('has no file that reads or links outside the checkout', () => {
    const outside: string[] = [];
    for (const file of trackedTextFiles()) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      const dir = path.dirname(path.join(ROOT, file));
      // new URL('…', import.meta.url) and relative Markdown links must resolve inside the repo.
      const refs = [
        ...text.matchAll(/new URL\(\s*'(\.\.?\/[^']*)',\s*import\.meta\.url/g),
        ...(file.endsWith('.md') ? text.matchAll(/\]\((\.\.?\/[^)#\s]*)/g) : []),
        ...text.matchAll(/`(\.\.\/[^`\s]*)`/g),
      ];
      for (const m of refs) {
        if (!inside(path.resolve(dir, m[1]!))) outside.push(`${file}: ${m[1]}`);
      }
      if (/\/work\/shared|shared\/corpus\//.test(text)) outside.push(`${file}: names shared/`);
    }
    expect(outside).toEqual([]);
  });
});

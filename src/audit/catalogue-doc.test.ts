import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogueMarkdown } from './catalogue-doc.js';
import { RULES } from './rules/index.js';

const DOC = new URL('../../docs/audit.md', import.meta.url);

describe('docs/audit.md', () => {
  it('is generated from the current catalogue', async () => {
    const text = catalogueMarkdown();
    if (process.env.UPDATE_AUDIT_DOC) await writeFile(DOC, text);
    const onDisk = await readFile(DOC, 'utf8').catch(() => '');
    expect(
      onDisk,
      'docs/audit.md is stale: UPDATE_AUDIT_DOC=1 npx vitest run src/audit/catalogue-doc.test.ts',
    ).toBe(text);
    for (const r of RULES) expect(text).toContain(`### ${r.id}`);
  });
});

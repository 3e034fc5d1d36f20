// The engine's alerts on a fixed stream of generated shop traffic (attacks included) are recorded in
// test-support/golden-alerts.txt: optimisations of the hot path must leave them byte for byte alike.
// A deliberate change of what is detected updates the file (`vitest run -u`) in the same commit.

import { describe, expect, it } from 'vitest';
import { generateEntries } from '../demo/generator.js';
import { exchangesFromHar } from '../sources/index.js';
import { createDetector } from './engine.js';

function alertsOn(entries: number, seed: number): string {
  const har = { log: { version: '1.2', entries: [...generateEntries({ entries, attacks: true, seed })] } };
  const detector = createDetector();
  for (const ex of exchangesFromHar(har, { onIssue() {} })) detector.process(ex);
  const { alerts, incidents } = detector.flush();
  const lines = alerts.map(
    (a) =>
      `${a.id} ${a.type} ${a.severity} ${a.actor} ${a.method ?? ''} ${a.path ?? ''} n=${a.count} [${a.evidence.join(',')}] ${a.explanation}`,
  );
  for (const i of incidents) lines.push(`${i.id} ${i.severity} ${i.summary}`);
  return `${lines.join('\n')}\n`;
}

describe('golden alerts', () => {
  it('generated traffic with attacks gives the recorded alerts', async () => {
    await expect(alertsOn(6000, 7)).toMatchFileSnapshot('./test-support/golden-alerts.txt');
  });
});

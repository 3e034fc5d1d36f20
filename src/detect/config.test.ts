import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseDetectConfig } from './config.js';

describe('parseDetectConfig', () => {
  it('lays a valid YAML config over the defaults', () => {
    const { config, issues } = parseDetectConfig(
      [
        'windowSeconds: 300',
        'thresholds:',
        '  bola: { minIds: 50 }',
        'suppress:',
        '  - actor: "jwt:abc*"',
        '    type: behaviour.*',
        '    reason: support desk',
        '  - signature: MAM-SIG-XSS-001',
        '    endpoint: POST /cms/**',
        '    field: $.html',
      ].join('\n'),
      'detect.yaml',
    );
    expect(issues).toEqual([]);
    expect(config!.windowSeconds).toBe(300);
    expect(config!.thresholds.bola).toEqual({ ...DEFAULT_CONFIG.thresholds.bola, minIds: 50 });
    expect(config!.thresholds.stuffing).toEqual(DEFAULT_CONFIG.thresholds.stuffing);
    expect(config!.suppress).toHaveLength(2);
  });

  it('names the field and line of each error', () => {
    const { config, issues } = parseDetectConfig(
      [
        'thresholds:',
        '  bola:',
        '    denyRatio: 1.5',
        '  scrapping: {}',
        'suppress:',
        '  - endpoint: cms',
      ].join('\n'),
      'detect.yaml',
    );
    expect(config).toBeUndefined();
    const byField = Object.fromEntries(issues.map((i) => [i.field, i]));
    expect(byField['thresholds.bola.denyRatio']).toMatchObject({ line: 3, file: 'detect.yaml' });
    expect(byField['thresholds.bola.denyRatio']!.message).toContain('<= 1');
    expect(byField['thresholds.scrapping']!.message).toBe('unknown setting thresholds.scrapping');
    expect(byField['suppress[0].endpoint']).toMatchObject({ line: 6 });
  });

  it('reports bad YAML with its position', () => {
    const { issues } = parseDetectConfig('thresholds: [\n', 'bad.yaml');
    expect(issues[0]).toMatchObject({ code: 'config.yaml', file: 'bad.yaml', fatal: true });
    expect(issues[0]!.line).toBeGreaterThan(0);
  });
});

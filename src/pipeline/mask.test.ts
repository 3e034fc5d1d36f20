import { describe, expect, it } from 'vitest';
import { compileClassifier } from '../sensitive/index.js';
import { credentialRef, maskExchange } from './mask.js';
import { SECRETS, secretExchange } from './test-support.js';

const classifier = compileClassifier();

describe('maskExchange', () => {
  it('leaves no raw sensitive value or credential anywhere in the exchange', () => {
    const masked = JSON.stringify(maskExchange(secretExchange(), classifier));
    for (const [name, raw] of Object.entries(SECRETS)) expect(masked, name).not.toContain(raw);
    expect(masked).toContain('1111'); // masked card keeps its last four
    expect(masked).toMatch(/Bearer \[ref:[0-9a-f]{16}\]/);
    expect(masked).toContain('theme=[ref:');
  });

  it('keeps the same reference for the same credential and honours per-type actions', () => {
    const a = maskExchange(secretExchange(), classifier, { hashKey: 'k' });
    const b = maskExchange(secretExchange('other'), classifier, { hashKey: 'k' });
    expect(a.request.headers['x-api-key']).toBe(b.request.headers['x-api-key']);
    const kept = maskExchange(secretExchange(), classifier, { types: { EMAIL: 'keep' } });
    expect(kept.request.query).toContainEqual(['email', SECRETS.email]);
    expect(kept.request.query).toContainEqual(['page', '2']);
  });

  it('caps bodies and masks tokens in unparsable bodies', () => {
    const ex = secretExchange();
    ex.request.body = {
      text: `{"card":"${SECRETS.card}","x":"${'a'.repeat(500)}`,
      size: 600,
      truncated: true,
      mimeType: 'application/json',
    };
    const masked = maskExchange(ex, classifier, { bodyCap: 100 });
    expect(masked.request.body?.text.length).toBeLessThanOrEqual(100);
    expect(masked.request.body?.truncated).toBe(true);
    expect(masked.request.body?.text).not.toContain(SECRETS.card);
  });

  it('gives each installation key its own references, also for a credential seen before', () => {
    const plain = credentialRef(SECRETS.apiKey);
    const one = credentialRef(SECRETS.apiKey, 'key-one');
    const two = credentialRef(SECRETS.apiKey, 'key-two');
    expect(new Set([plain, one, two]).size).toBe(3);
    expect(credentialRef(SECRETS.apiKey, 'key-one')).toBe(one);
    expect(credentialRef(SECRETS.apiKey)).toBe(plain);
    expect(credentialRef(`${SECRETS.apiKey}x`, 'key-one')).not.toBe(one);
  });
});

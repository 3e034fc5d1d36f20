import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/index.js';
import { COMPLIANCE_FRAMEWORKS } from '../model/index.js';
import {
  CLAUSE_TITLES,
  CLAUSE_TITLES_JA,
  CONTROL_FAMILIES,
  complianceOf,
  complianceView,
} from './compliance.js';
import { RULES } from './rules/index.js';

const finding = (id: string, compliance: Finding['compliance']): Finding => ({
  id,
  title: id,
  severity: 'high',
  owasp: 'API2:2023',
  compliance,
  evidence: [],
  remediation: 'fix',
});

describe('compliance map', () => {
  it('has a title for every clause a family cites, and every framework is reached', () => {
    const reached = new Set<string>();
    for (const refs of Object.values(CONTROL_FAMILIES))
      for (const r of refs) {
        expect(CLAUSE_TITLES[r.framework][r.clause], `${r.framework} ${r.clause}`).toBeDefined();
        reached.add(r.framework);
      }
    for (const fw of COMPLIANCE_FRAMEWORKS) expect(reached.has(fw), fw).toBe(true);
  });

  it('titles every clause in Japanese too, and the view takes the language asked for', () => {
    for (const [fw, clauses] of Object.entries(CLAUSE_TITLES) as Array<
      [keyof typeof CLAUSE_TITLES, object]
    >) {
      expect(Object.keys(CLAUSE_TITLES_JA[fw]).sort(), fw).toEqual(Object.keys(clauses).sort());
      for (const title of Object.values(CLAUSE_TITLES_JA[fw]))
        expect(title).toMatch(/[\u3041-\u30fa\u4e00-\u9fff]/);
    }
    const ja = complianceView([finding('a', complianceOf('transport'))], 'ja');
    expect(ja.find((v) => v.framework === 'GDPR')?.clauses.find((c) => c.clause === 'Art. 32')?.title).toBe(
      '取扱いの安全性',
    );
  });

  it('gives every rule references without duplicates', () => {
    for (const r of RULES) {
      const keys = r.compliance.map((c) => `${c.framework} ${c.clause}`);
      expect(new Set(keys).size, r.id).toBe(keys.length);
      expect(keys).toContain('DORA Art. 24');
    }
    expect(complianceOf('cardholder').map((c) => c.clause)).toContain('4.2.1');
  });

  it('groups findings per framework and clause, in framework order with titles', () => {
    const view = complianceView([
      finding('a', complianceOf('transport')),
      finding('b', complianceOf('national-id')),
      finding('c', complianceOf('transport')),
    ]);
    expect(view.map((v) => v.framework)).toEqual([
      'PCI-DSS-4.0.1',
      'GDPR',
      'HIPAA',
      'DORA',
      'NIS2',
      'APPI',
      'MY-NUMBER-ACT',
    ]);
    const pci = view[0]!.clauses.find((c) => c.clause === '4.2.1');
    expect(pci).toEqual({
      clause: '4.2.1',
      title: CLAUSE_TITLES['PCI-DSS-4.0.1']['4.2.1'],
      findings: ['a', 'c'],
    });
    const appi = view.find((v) => v.framework === 'APPI')!.clauses[0];
    expect(appi?.findings).toEqual(['a', 'b', 'c']);
    expect(complianceView([])).toEqual([]);
  });
});

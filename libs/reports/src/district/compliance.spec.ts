import { alertPenalty, complianceScore, riskWeight } from './compliance';

describe('compliance score', () => {
  it('is 100 for a unit without alerts', () => {
    expect(complianceScore([])).toBe(100);
  });

  it('weighs open alerts fully, acknowledged ones half and resolved ones a quarter', () => {
    expect(alertPenalty({ severity: 'critical', status: 'open' })).toBe(20);
    expect(alertPenalty({ severity: 'critical', status: 'acknowledged' })).toBe(10);
    expect(alertPenalty({ severity: 'high', status: 'resolved' })).toBe(2.5);
    expect(
      complianceScore([
        { severity: 'critical', status: 'open' },
        { severity: 'medium', status: 'acknowledged' },
        { severity: 'high', status: 'resolved' },
      ]),
    ).toBe(100 - 20 - 2.5 - 2.5);
  });

  it('counts an unknown severity as medium and never goes below zero', () => {
    expect(alertPenalty({ severity: 'something_new', status: 'open' })).toBe(5);
    expect(complianceScore(Array.from({ length: 10 }, () => ({ severity: 'critical', status: 'open' })))).toBe(0);
  });

  it('turns a score into a sampling weight from 1 to 11', () => {
    expect(riskWeight(100)).toBe(1);
    expect(riskWeight(0)).toBe(11);
    expect(riskWeight(75)).toBe(3.5);
    expect(riskWeight(-5)).toBe(11);
  });
});

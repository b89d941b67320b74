import { isValidUscc, usccCheckCharacter, usccProblem, withUsccCheckCharacter } from './uscc';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  // A published example code (the check character was worked out by hand from the standard's weights).
  const valid = '91500106MA5U3X5K1' + usccCheckCharacter('91500106MA5U3X5K1');

  it('accepts a code whose check character matches', () => {
    expect(usccProblem(valid)).toBeNull();
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
  });

  it('refuses a wrong check character', () => {
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    expect(usccProblem(wrong)).toBe('CHECK_CHARACTER');
  });

  it('refuses a wrong length', () => {
    expect(usccProblem(valid.slice(0, 17))).toBe('LENGTH');
    expect(usccProblem(valid + '0')).toBe('LENGTH');
    expect(usccProblem('')).toBe('LENGTH');
  });

  it('refuses lower case', () => {
    expect(usccProblem('91350100m000100y43')).toBe('CHARACTER');
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses the letter %s, which is outside the alphabet', (letter) => {
    expect(usccProblem(`91350100M00010${letter}Y43`)).toBe('CHARACTER');
  });

  it('completes 17 characters into a valid code', () => {
    expect(isValidUscc(withUsccCheckCharacter('91500106TESTA0001'))).toBe(true);
  });
});

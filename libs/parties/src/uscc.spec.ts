import fc from 'fast-check';
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
    expect(isValidUscc(withUsccCheckCharacter('91500106TEXTA0001'))).toBe(true);
  });

  it('refuses to complete 17 characters that include a letter outside the alphabet', () => {
    expect(() => withUsccCheckCharacter('91500106TESTA0001')).toThrow(/Invalid USCC character S/);
  });

  it('accepts every completed code and detects any single changed character', () => {
    const alphabet = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'];
    const char = fc.constantFrom(...alphabet);
    fc.assert(
      fc.property(fc.array(char, { minLength: 17, maxLength: 17 }), fc.nat(17), char, (body, position, replacement) => {
        const code = withUsccCheckCharacter(body.join(''));
        expect(usccProblem(code)).toBeNull();
        fc.pre(code[position] !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        // 31 is prime and no weight is 0 mod 31, so one substituted character always changes the check.
        expect(usccProblem(changed)).toBe('CHECK_CHARACTER');
      }),
    );
  });
});

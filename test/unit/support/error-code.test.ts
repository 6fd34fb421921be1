import { errorCodeOf } from '../../support/error-code';
import { BadRequestError } from '../../../lib/platform/errors';

describe('errorCodeOf (the helper the policy tests lean on)', () => {
  it('gives the code of a typed error', () => {
    expect(errorCodeOf(() => { throw new BadRequestError('invalid_email', 'nope'); })).toBe('invalid_email');
  });

  it('gives undefined when the function returns', () => {
    expect(errorCodeOf(() => 42)).toBeUndefined();
  });

  it('rethrows a crash instead of reporting it as an acceptance', () => {
    expect(() => errorCodeOf(() => (undefined as unknown as { x: () => void }).x())).toThrow(TypeError);
    expect(() => errorCodeOf(() => { throw Object.assign(new Error('plain'), { code: 'ENOENT' }); })).toThrow('plain');
  });
});

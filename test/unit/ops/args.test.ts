import * as z from 'zod/mini';
import { choice, flag, optionalEmail, optionalText, parseArgs, refusal, requiredText, wholeNumber } from '../../../lib/ops/args';
import { BadRequestError } from '../../../lib/platform/errors';

/** How an ops action's arguments are read: what the CLI sends in, what the action gets or the error the CLI prints. */
const schema = z.object({
  id: requiredText(10),
  contactEmail: optionalText(20),
  weeks: wholeNumber(1, 104, 12),
  type: choice(['full', 'incremental'], 'full'),
  public: flag(),
  status: optionalText(20).check(z.refine((s: string | undefined) => s === undefined || s === 'open', refusal('invalid_status', 'STATUS must be open.'))),
});

function refusalOf(args: unknown): { code: string; message: string } {
  try {
    parseArgs(schema, args);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return { code: (error as BadRequestError).code, message: (error as BadRequestError).message };
  }
  throw new Error('accepted');
}

describe('ops action arguments', () => {
  it('applies the defaults, trims required text and reads the digits the CLI sends as numbers', () => {
    expect(parseArgs(schema, { id: '  inc_1 ' })).toEqual({ id: 'inc_1', contactEmail: undefined, weeks: 12, type: 'full', public: false, status: undefined });
    expect(parseArgs(schema, { id: 'x', contactEmail: '', weeks: ' 7 ', type: 'incremental', public: true, status: 'open' })).toEqual({
      id: 'x', contactEmail: undefined, weeks: 7, type: 'incremental', public: true, status: 'open',
    });
  });

  it.each([
    ['a missing value', {}, 'missing_argument', '--id is required.'],
    ['an empty value', { id: '' }, 'missing_argument', '--id is required.'],
    ['a blank value', { id: '   ' }, 'missing_argument', '--id is required.'],
    ['a value that is not text', { id: 42 }, 'invalid_argument', '--id must be text.'],
    ['a value too long', { id: 'x'.repeat(11) }, 'invalid_argument', '--id must be at most 10 characters.'],
    ['a camelCase argument named by its flag', { id: 'x', contactEmail: 'y'.repeat(21) }, 'invalid_argument', '--contact-email must be at most 20 characters.'],
    ['a number out of range', { id: 'x', weeks: '105' }, 'invalid_argument', '--weeks must be at most 104.'],
    ['a number that is not whole', { id: 'x', weeks: '1.5' }, 'invalid_argument', '--weeks must be a number.'],
    ['words for a number', { id: 'x', weeks: 'many' }, 'invalid_argument', '--weeks must be a number.'],
    ['zero', { id: 'x', weeks: 0 }, 'invalid_argument', '--weeks must be at least 1.'],
    ['an unknown word', { id: 'x', type: 'weekly' }, 'invalid_argument', '--type must be one of: full, incremental.'],
    ['a flag with a value', { id: 'x', public: 'yes' }, 'invalid_argument', '--public is a flag.'],
    ['a refinement with its own code', { id: 'x', status: 'shut' }, 'invalid_status', 'STATUS must be open.'],
  ])('refuses %s with a clear code and message', (_name, args, code, message) => {
    expect(refusalOf(args)).toEqual({ code, message });
  });

  it('never repeats the value in the message', () => {
    expect(refusalOf({ id: 'hs_secret_value_that_is_long' }).message).not.toContain('hs_secret');
  });
});

describe('an email argument', () => {
  const withEmail = z.object({ contactEmail: optionalEmail('contact-email') });

  it('follows the system\'s one email rule: normalised when valid, absent when not given', () => {
    expect(parseArgs(withEmail, { contactEmail: '  Carol@Example.COM ' })).toEqual({ contactEmail: 'carol@example.com' });
    expect(parseArgs(withEmail, {})).toEqual({ contactEmail: undefined });
  });

  it.each(['not-an-email', 'carol@localhost', 'c\u0430rol@example.com'])('refuses %p with invalid_email, naming the flag', (contactEmail) => {
    expect(() => parseArgs(withEmail, { contactEmail })).toThrow(expect.objectContaining({ code: 'invalid_email', message: '--contact-email is not a valid email address.' }));
  });
});

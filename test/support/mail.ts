import { mailSentTo, readSentMail, type SentMail } from '../../scripts/lib/emulator-clients';

export type { SentMail };

/** Every message the emulator's SES accepted, oldest first. */
export function sentMail(emulatorEndpoint = process.env.HELPSHELF_TEST_EMULATOR!): Promise<SentMail[]> {
  return readSentMail(emulatorEndpoint);
}

export async function mailTo(address: string, emulatorEndpoint?: string): Promise<SentMail[]> {
  return mailSentTo(await sentMail(emulatorEndpoint), address);
}

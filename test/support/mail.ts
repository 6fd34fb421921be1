export interface SentMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  body: string;
}

/** Every message the emulator's SES accepted, oldest first. */
export async function sentMail(emulatorEndpoint = process.env.HELPSHELF_TEST_EMULATOR!): Promise<SentMail[]> {
  const res = await fetch(`${emulatorEndpoint}/_helpshelf/mail`);
  const data = (await res.json()) as { ses?: { Message?: Array<{ id: string; source: string; destinations: { ToAddresses?: string[] }; subject: string; body: string }> } };
  return (data.ses?.Message ?? []).map((m) => ({ id: m.id, from: m.source, to: m.destinations.ToAddresses ?? [], subject: m.subject, body: m.body }));
}

export async function mailTo(address: string, emulatorEndpoint?: string): Promise<SentMail[]> {
  return (await sentMail(emulatorEndpoint)).filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase()));
}

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EMULATOR_REGION } from '../../scripts/lib/emulator';
import { TEST_WEBHOOK_SECRET } from './secrets';
import { registerSecret, registerSecretValue } from './secrets-registry';

/**
 * Registers the secrets a test stage was seeded with for the leak check: the webhook signing
 * secret and the password pepper that provisioning generated in the emulator.
 */
export async function registerStageSecrets(endpoint: string, env: Record<string, string>): Promise<void> {
  registerSecret(TEST_WEBHOOK_SECRET, 'HELPSHELF_TEST_WEBHOOK_SECRET');
  const client = new SecretsManagerClient({ endpoint, region: EMULATOR_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    for (const [variable, label] of [
      ['PASSWORD_PEPPER_SECRET_ID', 'password pepper'],
      ['STRIPE_WEBHOOK_SECRET_ID', 'stripe webhook secret'],
    ] as const) {
      if (!env[variable]) continue;
      const out = await client.send(new GetSecretValueCommand({ SecretId: env[variable] }));
      if (out.SecretString) registerSecretValue(out.SecretString, label);
    }
  } finally {
    client.destroy();
  }
}

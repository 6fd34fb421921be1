/**
 * /account/security in the browser. Each section is one module (web/src/account/) and one
 * container in the page (lib/pages/account-page.ts): sign-in (with the unlock code), sessions and
 * access tokens, creating a token, changing the password, connected social accounts, "Your data". This file
 * only wires them: signed in, every section shows itself; signed out (here, elsewhere, or a
 * session that ended), every section clears and the sign-in form comes back.
 */
import type { AccountView } from '../../lib/identity/views';
import { loadAccessLog, renderAccessLog } from './access-log';
import { byId, focusHeading } from './dom';
import { factors } from './factors';
import { accountContext, type Section } from './account/context';
import { connectionsSection } from './account/connections';
import { createTokenSection } from './account/create-token';
import { credentialsSection } from './account/credentials';
import { dataRightsSection } from './account/data-rights';
import { passwordSection } from './account/password';
import { signInForm } from './account/sign-in';

function start(): void {
  const ctx = accountContext(showSignedOut);
  const credentials = credentialsSection(ctx);
  const connections = connectionsSection(ctx);
  // Passkeys, the authenticator app and security events (web/src/factors.ts), and the "confirm it is you" step.
  const signInMethods = factors({
    token: ctx.token,
    announce: ctx.announce,
    sessionEnded: (result) => {
      if (result.ok || result.error.code !== 'unauthorized') return false;
      ctx.signedOut('Your session has ended. Sign in again.');
      return true;
    },
  });
  ctx.withRecentSignIn = signInMethods.withRecentSignIn;
  const methods: Section = { show: () => signInMethods.load().then(() => true), clear: signInMethods.clear };
  // What engineers did with this customer's data (web/src/access-log.ts).
  const accessLog: Section = {
    show: async () => {
      const result = await loadAccessLog(ctx.token());
      if (!result.ok && result.error.code === 'unauthorized') ctx.signedOut('Your session has ended. Sign in again.');
      return result.ok;
    },
    clear: () => renderAccessLog([]),
  };
  const sections: Section[] = [credentials, createTokenSection(ctx, credentials.reload), passwordSection(ctx, credentials.reload), connections, methods, accessLog, dataRightsSection(ctx)];
  const signIn = signInForm(ctx, async () => {
    await showSignedIn();
    if (!byId('signed-in').hidden) focusHeading('account-title');
  });

  function showSignedOut(message?: string): void {
    byId('signed-in').hidden = true;
    byId('signed-out').hidden = false;
    for (const section of sections) section.clear();
    if (message) ctx.announce(message);
    signIn.reset();
  }

  /** Shows the signed-in view with fresh sections; false when the session turned out to be over. */
  async function showSignedIn(): Promise<boolean> {
    const me = await ctx.call<AccountView>('GET', '/v1/me');
    if (!me.ok) {
      if (me.error.code !== 'unauthorized') ctx.announce(me.error.message, 'bad');
      return false;
    }
    byId('account-email').textContent = me.body.email;
    byId('signed-out').hidden = true;
    byId('signed-in').hidden = false;
    const shown = await Promise.all(sections.map((s) => s.show()));
    return shown.every(Boolean);
  }

  if (ctx.token()) {
    void showSignedIn().then((shown) => {
      if (shown) connections.reportOutcome(true);
    });
  } else {
    byId('signed-out').hidden = false;
    connections.reportOutcome(false);
  }
}

start();

/** Entry point of the ops CLI; cli/bin/helpshelf-ops.cjs loads it (see cli/README.md). */
import { escapeValue } from './format';
import { runCli } from './program';

// The SDK's notice that it will need Node 22 from 2027 would make every error more than one line
// on a Node 20 machine (Lambda and the npm scripts run Node 22). Read when a client is built.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `helpshelf-ops ... | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${escapeValue((error as Error)?.message ?? String(error))}\n`);
    process.exit(1);
  },
);

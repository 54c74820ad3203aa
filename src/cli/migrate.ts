// `npm run migrate`: kept for existing scripts; the same as `quota-manager migrate`.
import { runCli } from './run-cli.ts';

const outcome = await runCli(['migrate', ...process.argv.slice(2)], {
  stdout: process.stdout,
  stderr: process.stderr,
});
if (outcome !== 'running') process.exitCode = outcome;

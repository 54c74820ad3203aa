// Entry point of the `quota-manager` command (bin/quota-manager.js, `npm run cli --`).
import { runCli } from './run-cli.ts';

const outcome = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
if (outcome !== 'running') {
  // Exit now rather than when the event loop drains: a database pool or a keep-alive socket
  // must not hold a finished command open. Flush both streams first.
  const flushed = (stream: NodeJS.WriteStream) =>
    new Promise<void>((done) => stream.write('', () => done()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(outcome);
}

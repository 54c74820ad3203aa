// `quota-manager seed-demo`: the demo users and strategies, without the HTTP API.
import { defineCommand, EXIT, VERBOSE_OPTION, write } from './command.ts';
import { openRuntime } from './open-runtime.ts';

export const seedDemoCommand = defineCommand({
  spec: {
    name: 'seed-demo',
    summary: 'Write the demo users and strategies (the ones `npm run demo` uses) to the database.',
    args: [],
    options: { verbose: VERBOSE_OPTION },
    details: `
Users demo-user-01 … demo-user-20 are created or updated. Each of the nine demo strategies is
created, enabled on purpose (a strategy created through the API starts disabled), unless a
strategy with its name exists; existing ones are kept as they are. Running the
command again changes nothing. Strategies without a time zone get the configured one
(QM_TIMEZONE).`,
  },
  async run({ values }, io) {
    const { seedDemoData } = await import('./seed-demo.ts');
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      const result = await seedDemoData(runtime.app);
      write(io.stdout, `users: ${result.users} written (created or updated)`);
      write(
        io.stdout,
        `strategies: ${result.created.length} created${result.created.length ? ` (${result.created.join(', ')})` : ''}, ${result.kept.length} kept${result.kept.length ? ` (${result.kept.join(', ')})` : ''}`,
      );
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
});

#!/usr/bin/env -S node --max-old-space-size=1024
// The `quota-manager` command. The sources are TypeScript run through tsx (no build step), so
// this registers tsx's loader and hands over to src/cli/main.ts. Run as a command it gets the
// daemon's heap limit (package.json "start"), so a one-shot `quota-manager scan` of 1M users
// stays under 300 MB as the daemon does (bench/README.md); `node bin/quota-manager.js …` runs
// with whatever flags that node was given (docs/operations.md, Memory).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);

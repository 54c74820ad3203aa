#!/usr/bin/env node
// The `quota-manager` command. The sources are TypeScript run through tsx (no build step), so
// this registers tsx's loader and hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);

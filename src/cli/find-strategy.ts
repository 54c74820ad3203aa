// A strategy named on the command line by id or by name (a number is tried as an id first).
import type { Application } from '../core/application.ts';
import { closestName } from '../core/closest-name.ts';
import type { Strategy } from '../core/model/strategy.ts';
import { CliFailure } from './command.ts';

export async function findStrategy(
  app: Pick<Application, 'findStrategy' | 'allStrategies'>,
  idOrName: string,
): Promise<Strategy> {
  const strategy = await app.findStrategy(idOrName);
  if (strategy !== null) return strategy;
  // Only on the failure path: reading every name costs one pass over the strategies.
  const names: string[] = [];
  for await (const s of app.allStrategies({})) names.push(s.name);
  const suggestion = closestName(idOrName, names);
  throw new CliFailure(
    `no strategy has the id or name ${JSON.stringify(idOrName)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}`,
  );
}

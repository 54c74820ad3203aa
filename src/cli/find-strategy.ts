// A strategy named on the command line by id or by name (a number is tried as an id first).
import type { Application } from '../core/application.ts';
import type { Strategy } from '../core/model/strategy.ts';
import { CliFailure } from './command.ts';

export async function findStrategy(app: Application, idOrName: string): Promise<Strategy> {
  const strategy = await app.findStrategy(idOrName);
  if (strategy === null)
    throw new CliFailure(`no strategy has the id or name ${JSON.stringify(idOrName)}`);
  return strategy;
}

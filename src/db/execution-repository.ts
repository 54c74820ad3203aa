// Read side of the grant ledger (quota_execute) for the API.
import type { GrantStatus } from '../core/ledger.ts';
import type { Db } from './client.ts';
import { decimalToNumber } from './strategy-mapper.ts';

export interface Execution {
  id: number;
  strategyId: number;
  userId: string;
  occurrence: string;
  amount: number;
  status: GrantStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExecutionFilter {
  strategyId?: number;
  userId?: string;
  status?: GrantStatus;
  limit: number;
  offset: number;
}

type ExecutionRow = Omit<Execution, 'amount' | 'status'> & { amount: unknown; status: string };

function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id, strategyId: row.strategyId, userId: row.userId, occurrence: row.occurrence,
    amount: decimalToNumber(row.amount), status: row.status as GrantStatus, attempts: row.attempts,
    lastError: row.lastError, createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

export function createExecutionRepository(db: Db) {
  return {
    async list(filter: ExecutionFilter): Promise<{ items: Execution[]; total: number }> {
      const where = { strategyId: filter.strategyId, userId: filter.userId, status: filter.status };
      const [rows, total] = await db.$transaction([
        db.quotaExecute.findMany({ where, orderBy: { id: 'asc' }, take: filter.limit, skip: filter.offset }),
        db.quotaExecute.count({ where }),
      ]);
      return { items: rows.map(toExecution), total };
    },
  };
}

export type ExecutionRepository = ReturnType<typeof createExecutionRepository>;

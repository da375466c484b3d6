import { contract, type MethodName, type Output, type ParsedInput } from '../../shared/api/contract';
import { AppError, toWireError } from '../../shared/api/errors';
import type { CallOutcome } from '../../shared/api/outcome';

export type { CallOutcome };
import type { Logger } from '../services/logger';

export interface CallContext {
  signal: AbortSignal;
}

export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>, context: CallContext) => Promise<Output<M>>;
};


/**
 * The server side of the contract, shared by both transports: validate the input at the
 * boundary, run the handler with a cancellation signal, and turn any failure into
 * `{ code, params }`. Nothing else about an error (stack, cause) leaves the process.
 */
export function createRpcServer({ handlers, log }: { handlers: Handlers; log: Logger }) {
  async function call(method: string, rawInput: unknown, signal: AbortSignal): Promise<CallOutcome> {
    try {
      if (!Object.hasOwn(contract.methods, method)) throw new AppError('invalid_input', { method });
      const name = method as MethodName;
      const parsed = contract.methods[name].input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('invalid_input', { method, path: issue?.path.join('.') ?? '', message: issue?.message ?? '' });
      }
      const handler = handlers[name] as (input: unknown, context: CallContext) => Promise<unknown>;
      const output = await handler(parsed.data, { signal });
      return { ok: true, output };
    } catch (error) {
      const wire = signal.aborted ? { code: 'cancelled' as const, params: {} } : toWireError(error);
      if (wire.code === 'internal') log.error('call failed', { method, error });
      else log.debug('call refused', { method, code: wire.code });
      return { ok: false, error: wire };
    }
  }
  return { call };
}

export type RpcServer = ReturnType<typeof createRpcServer>;

import { createHash } from 'node:crypto';
import type { RegisteredStep } from '@tempo/contracts';
import type { StepRequest, StepResult } from './step-protocol.ts';

/** Tenant id of registrations every tenant can use. */
export const GLOBAL_TENANT = 'global';

/** A TypeScript step registered in the process, run by `Builtin.Class` or `Builtin.Method`. */
export interface BuiltinStepDefinition {
  /** The identifier steps name in `runtimeConfig.identifier`. */
  readonly identifier: string;
  readonly runtimeKey: 'Builtin.Class' | 'Builtin.Method';
  /** Tenant the step is for; default every tenant. */
  readonly tenantId?: string;
  readonly name: string;
  readonly description?: string;
  /** Class name (`Builtin.Class`) or the function's owner (`Builtin.Method`), for display. */
  readonly typeName?: string;
  /** Function name of a `Builtin.Method` step, for display. */
  readonly methodName?: string;
  run(request: StepRequest): Promise<StepResult>;
}

/** A definition as registered, with its signature hash. */
export interface BuiltinStepRegistration extends BuiltinStepDefinition {
  readonly tenantId: string;
  /** SHA-256 over what identifies the implementation, to notice when it changes. */
  readonly signatureHash: string;
}

const signatureOf = (definition: BuiltinStepDefinition): string =>
  createHash('sha256')
    .update(
      [
        definition.runtimeKey,
        definition.identifier,
        definition.typeName ?? '',
        definition.methodName ?? '',
      ].join('\n'),
    )
    .digest('hex');

/**
 * The built-in steps of this process: what embedders register through `@tempo/core` and what
 * `GET /v1.0/steps/registered` lists. A tenant's own registration wins over a global one.
 */
export class BuiltinStepRegistry {
  readonly #byKey = new Map<string, BuiltinStepRegistration>();

  /** Registers a step; registering the same identifier for the same tenant again replaces it. */
  register(definition: BuiltinStepDefinition): BuiltinStepRegistration {
    if (!definition.identifier.trim()) throw new TypeError('A built-in step needs an identifier.');
    const registration = {
      ...definition,
      tenantId: definition.tenantId ?? GLOBAL_TENANT,
      signatureHash: signatureOf(definition),
    };
    this.#byKey.set(`${registration.tenantId}\n${registration.identifier}`, registration);
    return registration;
  }

  /** The registration a tenant's step with this identifier runs, or undefined. */
  resolve(tenantId: string, identifier: string): BuiltinStepRegistration | undefined {
    return (
      this.#byKey.get(`${tenantId}\n${identifier}`) ?? this.#byKey.get(`${GLOBAL_TENANT}\n${identifier}`)
    );
  }

  /** Every registration, as `GET /v1.0/steps/registered` shows them. */
  list(): RegisteredStep[] {
    return [...this.#byKey.values()]
      .map((r) => ({
        identifier: r.identifier,
        runtimeKey: r.runtimeKey,
        tenantId: r.tenantId,
        name: r.name,
        description: r.description ?? null,
        typeName: r.typeName ?? null,
        methodName: r.methodName ?? null,
        signatureHash: r.signatureHash,
      }))
      .sort((a, b) => a.identifier.localeCompare(b.identifier));
  }
}

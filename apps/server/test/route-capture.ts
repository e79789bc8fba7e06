import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';

/** A route as Fastify registered it: one method, the full Fastify URL (`/v1.0/tenants/:id`). */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

/** What {@link captureRoutes} saw while its build ran. */
export interface CapturedRoutes<T> {
  readonly result: T;
  readonly routes: readonly RegisteredRoute[];
  /** Fastify instances created during the build. */
  readonly instances: number;
}

/**
 * Fastify publishes every new instance on this channel before anything is registered on it
 * (Fastify docs, Hooks → Diagnostics Channel Hooks), so an `onRoute` hook added here sees every
 * route of every plugin, without a seam in `buildApp`.
 */
const INITIALIZATION_CHANNEL = 'fastify.initialization';

const isInitialization = (message: unknown): message is { fastify: FastifyInstance } =>
  typeof message === 'object' && message !== null && 'fastify' in message;

/** Runs `build`, recording every route of every Fastify instance it creates. */
export const captureRoutes = async <T>(build: () => Promise<T>): Promise<CapturedRoutes<T>> => {
  const routes: RegisteredRoute[] = [];
  let instances = 0;
  const onInitialization = (message: unknown): void => {
    if (!isInitialization(message)) return;
    instances += 1;
    message.fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
  };
  subscribe(INITIALIZATION_CHANNEL, onInitialization);
  try {
    const result = await build();
    return { result, routes, instances };
  } finally {
    unsubscribe(INITIALIZATION_CHANNEL, onInitialization);
  }
};

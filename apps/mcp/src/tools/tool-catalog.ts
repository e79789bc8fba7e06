import { artifactTools } from './artifact-tools.ts';
import { flowTools, stepTools, tenantTools, triggerTools } from './definition-tools.ts';
import { logTools } from './log-tools.ts';
import { runTools, runtimeTools } from './run-tools.ts';
import { systemTools } from './system-tools.ts';
import type { TempoTool } from './tool-definition.ts';
import { workerTools } from './worker-tools.ts';

/** Every tool the MCP server offers (spec §1.6), in the order `tools/list` shows them. */
export const TOOL_CATALOG: readonly TempoTool[] = [
  ...systemTools,
  ...workerTools,
  ...logTools,
  ...tenantTools,
  ...stepTools,
  ...flowTools,
  ...triggerTools,
  ...artifactTools,
  ...runTools,
  ...runtimeTools,
];

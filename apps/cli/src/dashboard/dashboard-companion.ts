import { DASHBOARD_DIST, ensureDashboardBuild } from './dashboard-build.ts';
import { startDashboardServer } from './dashboard-server.ts';

/** Port of the dashboard when `--dashboard-port` is not given. */
export const DEFAULT_DASHBOARD_PORT = 3000;

/** The dashboard `./tempo up` started, or why it did not start. */
export interface DashboardCompanion {
  readonly lines: readonly string[];
  stop(): Promise<void>;
}

/**
 * Builds the dashboard when its sources changed and serves it beside the server. The stack is
 * useful without it, so a failed build or a busy port is reported and the rest keeps running.
 */
export const startDashboardCompanion = async (
  serverUrl: string,
  port: number | undefined,
  report: (line: string) => void,
): Promise<DashboardCompanion> => {
  const wanted = port ?? DEFAULT_DASHBOARD_PORT;
  try {
    await ensureDashboardBuild(report);
    const dashboard = await startDashboardServer({ root: DASHBOARD_DIST, serverUrl, port: wanted });
    return { lines: [`dashboard ${dashboard.url} (talks to ${serverUrl})`], stop: () => dashboard.close() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      lines: [`dashboard not started on port ${wanted}: ${reason} (--dashboard-port N picks another port)`],
      stop: async () => undefined,
    };
  }
};

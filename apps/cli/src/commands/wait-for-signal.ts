/**
 * Resolves on the first SIGINT or SIGTERM, with its name. A second signal while shutting down
 * ends the process at once (exit code 130), for an operator who does not want to wait.
 */
export const waitForShutdownSignal = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) process.exit(130);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });

/**
 * Entry point: `npm start -- [flags]`. Flags are parsed and the listener is opened before the rest of
 * the server is loaded (see `startup.ts`), so the port opens at once and answers "starting" meanwhile.
 */
import { createLogger } from './log.js';
import { parseOptions } from './options.js';
import { listenEarly } from './startup.js';

/** Signals this soon after the first are the same one again (npm forwarding it), not a second. */
const REPEAT_WINDOW_MS = 1000;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = createLogger(options.verbosity);
  const early = await listenEarly(options);
  const { runServer } = await import('./run.js');
  const running = await runServer(options, log, early);
  let stoppingSince: number | undefined;
  const stop = (signal: string) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C on `npm start` signals the process group and npm forwards the signal again at once:
      // that repeat changes nothing. A later one ends the process now, as kube-apiserver's second
      // signal does.
      if (performance.now() - stoppingSince < REPEAT_WINDOW_MS) return;
      log.info('second signal, exiting now', { signal });
      process.exit(1);
    }
    stoppingSince = performance.now();
    log.info('shutting down', { signal });
    running.close(options.shutdownDelayDuration).then(
      () => process.exit(0),
      (e: unknown) => {
        log.error('shutdown failed', { err: e });
        process.exit(1);
      },
    );
  };
  // Before saying it serves: whoever reads that may signal at once.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  log.info('serving', { url: running.url, kubeconfig: running.kubeconfigPath });
  process.stdout.write(`garden-apiserver serving on ${running.url}\nadmin kubeconfig: ${running.kubeconfigPath}\n`);
  process.stdout.write(`try: kubectl --kubeconfig ${running.kubeconfigPath} api-resources\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`garden-apiserver: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

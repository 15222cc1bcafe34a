/**
 * Entry point: `npm start -- [flags]`. Flags are parsed and the listener is opened before the rest of
 * the server is loaded (see `startup.ts`), so the port opens at once and answers "starting" meanwhile.
 */
import { createLogger } from './log.js';
import { parseOptions } from './options.js';
import { listenEarly } from './startup.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = createLogger(options.verbosity);
  const early = await listenEarly(options);
  const { runServer } = await import('./run.js');
  const running = await runServer(options, log, early);
  let stopping = false;
  const stop = (signal: string) => {
    // Ctrl-C on `npm start` signals the process group and npm forwards the signal again: a repeat
    // changes nothing. The handlers stay installed, so a repeat never meets the default action (which
    // would end the process before the shutdown).
    if (stopping) return;
    stopping = true;
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

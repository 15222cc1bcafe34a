// Preloaded into the server by the load script only (with --expose-gc): SIGUSR2 runs a full garbage
// collection, so that memory figures count live objects, not garbage the collector has yet to reach.
process.on('SIGUSR2', () => globalThis.gc?.());

// Runs every benchmark in one process, one after the other, so their figures come from one run.
export {};

await import('./discovery.bench');
await import('./legacy-import.bench');
await import('./executor.bench');
await import('./persistence.bench');
await import('./webhook-delivery.bench');
await import('./worker-throughput.bench');
await import('./local-load.bench');
await import('./synth.bench');
await import('./lambda-bundle.bench');

// Worker entry for TypeScript workers under tsx: register the loader, then load the real module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__module);

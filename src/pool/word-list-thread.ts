/**
 * Entry point of the thread that builds the French word list's tables once for the whole pool
 * (src/pool/word-list.ts): it posts them, in SharedArrayBuffers, and exits, and with it goes the
 * garbage of the build (≈55 MiB of strings).
 */
import { parentPort } from 'node:worker_threads';
import { frenchWordTables } from '../text/french-words';

if (!parentPort) throw new Error('word-list-thread must run as a worker thread');
parentPort.postMessage(frenchWordTables(true));

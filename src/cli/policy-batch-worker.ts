import { parentPort, workerData } from 'node:worker_threads';
import { registryFrom } from './input.js';
import { answerLines } from './policy-batch.js';

/** A `--batch` worker: answers the chunks of lines it is sent, in the order of their line numbers. */
const reg = registryFrom((workerData as { registry?: string }).registry);
parentPort!.on('message', (chunk: { seq: number; firstLine: number; text: string }) => {
  const { text, bad } = answerLines(reg, chunk.text, chunk.firstLine);
  parentPort!.postMessage({ seq: chunk.seq, text, bad });
});

// An analysis worker thread (started by threads.ts): runs analysis tasks in the order they arrive and
// answers each with its output. Tasks are plain data (structured clone); the detector's state lives here
// for as long as the thread does.

import { parentPort, workerData } from 'node:worker_threads';
import { type AnalysisSetup, type AnalysisTask, createAnalysis } from './analysis.js';

export interface TaskMessage {
  seq: number;
  task: AnalysisTask;
}

const port = parentPort;
if (!port) throw new Error('analysis-worker runs as a worker thread');
const analysis = createAnalysis(workerData as AnalysisSetup);
port.on('message', (m: TaskMessage) => {
  port.postMessage({ seq: m.seq, output: analysis.run(m.task) });
});

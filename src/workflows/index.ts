// The worker bundles this file: it must export every workflow and nothing that does I/O.
export { TaskWorkflow } from './task-workflow';

import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change and bundling step at INFO; tests expect many activity failures, so only errors are shown.
Runtime.install({ logger: new DefaultLogger('ERROR') });

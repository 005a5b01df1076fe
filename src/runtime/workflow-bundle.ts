import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** Where `npm run build` puts the bundle, beside the compiled code (dist/workflow-bundle.js). */
const PREBUILT = path.resolve(__dirname, '..', 'workflow-bundle.js');

/** Bundles src/workflows (webpack, via the SDK), saying only what goes wrong. */
export function bundleTaskWorkflows(
  onError: (message: string) => void = (m) => console.error(m),
): Promise<WorkflowBundle> {
  const quiet = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // OpenTelemetry's workflow interceptors, for the runs started with trace context.
    workflowInterceptorModules: [require.resolve('../workflows/tracing-interceptors')],
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: onError, error: onError },
  });
}

/** Writes the bundle to one file, as `npm run build` does for dist/workflow-bundle.js. */
export async function writeWorkflowBundle(outFile: string): Promise<void> {
  const { code } = await bundleTaskWorkflows();
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
}

/**
 * The workflow code for the task worker. Bundling loads webpack, whose ~100 MB a process never
 * gives back, so the worker never bundles in its own process: it uses the bundle `npm run build`
 * wrote, or (running from source) bundles in a short-lived child process.
 */
export async function loadWorkflowBundle(): Promise<WorkflowBundle> {
  const fromSource = __filename.endsWith('.ts');
  if (!fromSource && fs.existsSync(PREBUILT)) return { code: fs.readFileSync(PREBUILT, 'utf8') };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'octollm-workflows-'));
  const outFile = path.join(dir, 'workflow-bundle.js');
  try {
    // From source the child needs a TypeScript loader (tsx, as `npm start` uses).
    const loader = fromSource ? ['--import', 'tsx'] : [];
    await promisify(execFile)(process.execPath, [...loader, __filename, outFile], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: fs.readFileSync(outFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const outFile = process.argv[2] ?? PREBUILT;
  writeWorkflowBundle(outFile).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

/**
 * Jest exits on its own once every test has closed what it opened (no `forceExit`). Should a
 * test leave a server, a timer or a socket open, this says so and fails the run 30 s after the
 * last test, rather than leave CI waiting until its time limit. The timer is unref'd: it fires
 * only if something else keeps the process alive.
 */
export default async function globalTeardown(): Promise<void> {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout');
    process.stderr.write(
      `\n[jest] still running 30 s after the last test, kept alive by: ${open.join(', ') || 'nothing visible'}. ` +
        'Some test left it open; find it with `npx jest --detectOpenHandles <path>`.\n',
    );
    process.exit(1);
  }, 30_000).unref();
}

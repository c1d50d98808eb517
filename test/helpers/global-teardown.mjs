/** Stops the emulator process global-setup started, whatever the tests did. */
export default async function globalTeardown() {
  const child = globalThis.__sluiceEmulators;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

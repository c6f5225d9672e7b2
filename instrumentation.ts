/**
 * Runs once per server process (`next start`, `next dev`), not during `next build`.
 * Boots the broker engine and its background services in the Node.js runtime only.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startBrookOrExit } = await import('./server/start');
  await startBrookOrExit();
}

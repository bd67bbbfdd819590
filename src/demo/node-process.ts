/*
 * One demo node: `relto serve` with the arguments it was given, run as a child of `relto demo` with an IPC
 * channel. The channel closes when the demo process ends, however it ends (Ctrl-C, a crash, or SIGKILL, which
 * the demo cannot catch): the node then stops as on SIGTERM, so no orphaned node keeps the demo's ports.
 */

if (typeof process.send !== 'function') {
  process.stderr.write(
    `${JSON.stringify({ error: { code: 'INVALID_ARGUMENT', message: 'a demo node is started by relto demo', path: '' } })}\n`,
  );
  process.exit(2);
}
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
// The channel alone must not keep the node alive once it stops.
process.channel?.unref();

await import('../cli/main.js');

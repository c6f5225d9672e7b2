/**
 * Reading a password for the CLI without it ever reaching argv (visible in `ps`), shell history or the
 * terminal: `--password-stdin` reads stdin to its end (one trailing newline dropped, as `docker login`
 * does); otherwise a terminal prompt that does not echo, asked twice.
 */

export async function passwordFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One line from the terminal in raw mode, echoing nothing. Ctrl-C aborts. */
function promptHidden(question: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true); // before the prompt shows: what is typed after it is never echoed
    stderr.write(question);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return passwordFromStdin();
  const { stdin, stderr } = process;
  if (!stdin.isTTY) throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin');
  const first = await promptHidden('New password: ', stdin, stderr);
  const second = await promptHidden('Repeat it: ', stdin, stderr);
  if (first !== second) throw new UsageError('the two passwords differ; nothing changed');
  return first;
}

/** A mistake in how the CLI was called (exit code 2), as opposed to a refused change (exit code 1). */
export class UsageError extends Error {}

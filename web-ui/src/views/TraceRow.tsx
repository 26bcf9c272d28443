// A row of the trace list: what ran (the program, its arguments, how it ended, its steps and
// processes), its size, when it was uploaded and its id, so that repeated uploads tell apart.
import type { TraceSummaryRow } from '../api';
import { formatBytes, groupDigits } from '../format';
import { isPlainClick, navigate } from '../router';

/** A recording's row: what ran (program, arguments, how it ended, its size in steps and processes) and when it came. */
export function TraceRow({ t, onDelete }: { t: TraceSummaryRow; onDelete: () => void }) {
  const { program, args } = commandLine(t);
  const uploaded = new Date(t.createdAt);
  return (
    <tr data-testid="trace-row" data-id={t.id} data-status={t.status}>
      <td class="command" title={[t.executable, ...(t.arguments?.slice(1) ?? [])].join(' ') || t.command}>
        <a
          class="mono program"
          href={`/t/${t.id}`}
          data-testid="trace-program"
          onClick={(e) => {
            if (!isPlainClick(e)) return;
            e.preventDefault();
            navigate(`/t/${t.id}`);
          }}
        >
          {program}
        </a>{' '}
        <span class="mono muted" data-testid="trace-args">
          {args}
        </span>
      </td>
      <td class={'exit ' + exitClass(t.exitStatus)} data-testid="trace-exit" title={t.exitStatus ?? (t.exitStatus === null ? 'the recording did not finish' : '')}>
        {shortExit(t.exitStatus)}
      </td>
      <td class="num mono" data-testid="trace-steps">
        {t.instructions == null ? '—' : groupDigits(t.instructions)}
      </td>
      <td class="num mono" data-testid="trace-processes">
        {t.processCount ?? '—'}
      </td>
      <td class="num muted" data-testid="trace-size">
        {formatBytes(t.fileSize)}
      </td>
      <td class="muted" data-testid="trace-uploaded" title={`uploaded ${uploaded.toLocaleString()}; recorded ${new Date(t.recordedAt ?? t.createdAt).toLocaleString()}`}>
        {formatWhen(uploaded)}
      </td>
      <td class="mono muted" data-testid="trace-id" title={t.id}>
        {t.id.slice(0, 8)}
      </td>
      <td>
        <Status t={t} />
      </td>
      <td>
        <button class="quiet" title="Delete this trace" data-testid="delete" onClick={onDelete}>
          Delete
        </button>
      </td>
    </tr>
  );
}

/** The program's name and its arguments as a shell would take them (quoted where needed). */
export function commandLine(t: Pick<TraceSummaryRow, 'command' | 'executable' | 'arguments' | 'id'>): { program: string; args: string } {
  const base = (p: string) => p.split('/').pop() || p;
  if (t.arguments && t.arguments.length > 0) {
    return { program: base(t.executable || t.arguments[0]), args: t.arguments.slice(1).map(quote).join(' ') };
  }
  const words = (t.command ?? '').trim().split(/\s+/).filter(Boolean);
  return { program: base(t.executable || words[0] || t.id), args: words.slice(1).join(' ') };
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** `exited with status 0` as `0`, `killed by SIGSEGV` as `SIGSEGV`; unknown (an older server) as a dash. */
export function shortExit(status: string | null | undefined): string {
  if (status === undefined) return '—';
  if (status === null) return 'unfinished';
  const code = /exited with status (\d+)/.exec(status);
  if (code) return code[1];
  const signal = /killed by (\S+)/.exec(status);
  return signal ? signal[1] : status;
}

const exitClass = (status: string | null | undefined) =>
  status == null ? 'muted' : /exited with status 0$/.test(status) ? 'ok' : 'bad';

/** When, briefly: the time today, else the date and time (ISO-like, sortable by eye). */
export function formatWhen(d: Date, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.toDateString() === now.toDateString()) return `today ${time}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

function Status({ t }: { t: TraceSummaryRow }) {
  if (t.status === 'indexed') return <span class="ok" data-testid="status-text">indexed</span>;
  if (t.status === 'failed')
    return (
      <span class="error" data-testid="status-text" title={t.failureReason}>
        failed: {t.failureReason}
      </span>
    );
  return (
    <span data-testid="status-text">
      {t.status} <progress max={100} value={t.progress} /> {t.progress}%
    </span>
  );
}

// Processes: which process (and program) a moment is in, the tree of forks with each process's
// programs (argv), threads and exit, and the fork and exec moments as links.
import { fetchProcesses, type MomentDoc, type ProcessInfo } from '../api';
import { Link } from '../components/Link';
import { Status } from '../components/Panel';
import { groupDigits } from '../format';
import { useAsync } from '../hooks';
import { baseName, exitLabel, processColour, processOfThread, processTree, programName, shellWords } from '../processes';
import type { Moment } from '../route';
import { go, hrefAt, type View } from './context';
import { Dialog } from './Dialogs';
import './processes.css';

const cache = new Map<string, Promise<ProcessInfo[]>>();

/** A trace's processes, asked for once per page (they never change); the panels share the answer. */
export function processesOf(traceId: string): Promise<ProcessInfo[]> {
  let known = cache.get(traceId);
  if (!known) {
    known = fetchProcesses(traceId).then((d) => d.processes);
    cache.set(traceId, known);
    // a failure is not kept: the next panel to ask tries again
    known.catch(() => cache.get(traceId) === known && cache.delete(traceId));
  }
  return known;
}

export const useProcesses = (traceId: string) => useAsync(() => processesOf(traceId), [traceId]);

/** The pids in order of appearance (what colours them). */
export const pidOrder = (processes: readonly ProcessInfo[] | undefined) => processes?.map((p) => p.pid);

/** A pid in its process's colour, with the program it runs as its title. */
export function Pid({ pid, processes, step, testId }: { pid: number; processes?: readonly ProcessInfo[]; step?: number | bigint; testId?: string }) {
  const p = processes?.find((x) => x.pid === pid);
  return (
    <span class="pid mono" style={{ '--pc': processColour(pid, pidOrder(processes)) }} title={p ? `process ${pid}: ${programName(p, step)}` : `process ${pid}`} data-testid={testId}>
      {pid}
    </span>
  );
}

/** The moment bar's "process P · thread T", the program the process runs then, and the way to the process tree. */
/** "all pids" or one process: the filter of a list of things processes did (history, output); shown when there is a choice. */
export function ProcessFilter({ processes, pid, onPick, title, testId }: {
  processes?: readonly ProcessInfo[];
  pid?: number;
  onPick: (pid: number | undefined) => void;
  title: string;
  testId: string;
}) {
  if ((processes?.length ?? 0) < 2 && pid === undefined) return null;
  return (
    <select
      class="pid-filter"
      value={pid ?? ''}
      onChange={(e) => {
        const v = (e.target as HTMLSelectElement).value;
        onPick(v ? Number(v) : undefined);
      }}
      title={title}
      data-testid={testId}
    >
      <option value="">all pids</option>
      {processes?.map((p) => (
        <option key={p.pid} value={p.pid}>
          {p.pid} {programName(p)}
        </option>
      ))}
    </select>
  );
}

export function MomentProcess({ route, moment: m }: { route: Moment; moment?: MomentDoc }) {
  const procs = useProcesses(route.traceId);
  const list = procs.data;
  const p = m && list ? list.find((x) => x.pid === m.pid) ?? processOfThread(list, m.tid) : undefined;
  return (
    <>
      <span class="field" data-testid="moment-process">
        process{' '}
        <b class="mono" data-testid="pid">
          {m?.pid ?? '…'}
        </b>
        {m && <i class="pdot" style={{ background: processColour(m.pid, pidOrder(list)) }} />}
        {p && (
          <span class="muted mono" data-testid="moment-program">
            {' '}
            {programName(p, route.step)}
          </span>
        )}
        <span class="muted"> · </span>
        thread <b class="mono" data-testid="tid">{m?.tid ?? '…'}</b>
        {route.tid === undefined ? <span class="muted"> (running)</span> : m && !m.running ? <span class="muted"> (waiting)</span> : null}
      </span>
      <button class="quiet" title="The process tree: programs, forks, execs and exits" onClick={() => go(route, { dialog: 'processes' })} data-testid="processes-button">
        {list?.length ? `${list.length} process${list.length === 1 ? '' : 'es'}` : 'processes'}
      </button>
    </>
  );
}

/** A link to a moment that closes the dialog (the thread too when the view follows one). */
function MomentAt({ route, step, tid, testId, children }: { route: Moment; step: number; tid?: number | null; testId: string; children?: preact.ComponentChildren }) {
  return (
    <Link
      href={hrefAt(route, { step: BigInt(step), tid: route.tid === undefined || tid === null ? undefined : tid, dialog: undefined })}
      class="mono"
      title={`Go to step ${step}${tid !== undefined && tid !== null ? `, thread ${tid}` : ''}`}
      testId={testId}
    >
      {children ?? groupDigits(step)}
    </Link>
  );
}

export function ProcessesDialog({ view }: { view: View }) {
  const { route, moment } = view;
  const procs = useProcesses(route.traceId);
  const close = () => go(route, { dialog: undefined });
  const list = procs.data ?? [];
  const order = pidOrder(list);
  return (
    <Dialog title="Processes" onClose={close} testId="processes" class="wide">
      <Status error={procs.error} loading={procs.loading && !procs.data} />
      <ol class="ptree" data-testid="process-tree">
        {processTree(list).map(({ process: p, depth }) => {
          const here = moment?.pid === p.pid;
          const main = p.threads[0]?.tid ?? p.pid;
          return (
            <li
              key={p.pid}
              class={'pnode' + (depth === 0 ? ' root' : '') + (here ? ' here' : '')}
              style={{ '--depth': depth, '--pc': processColour(p.pid, order) }}
              data-testid="process"
              data-pid={p.pid}
              data-parent={p.parent ?? undefined}
            >
              <div class="pnode-head">
                <span class="pid mono" style={{ '--pc': processColour(p.pid, order) }}>
                  {p.pid}
                </span>
                <span class="mono pname" data-testid="process-name">
                  {p.programs.map((prog) => baseName(prog.path)).filter((n, i, all) => i === 0 || n !== all[i - 1]).join(' → ') || '?'}
                </span>
                <span class={'tag exit' + (p.signal || (p.exitCode ?? 0) !== 0 ? ' bad' : '')} title={p.exit ?? undefined} data-testid="process-exit">
                  {exitLabel(p)}
                </span>
                {here && <span class="muted small">(this moment's)</span>}
              </div>
              <div class="pnode-body">
                {p.forkStep !== null && (
                  <div>
                    <span class="muted">forked by </span>
                    {p.parent !== null ? <span class="mono">{p.parent}</span> : '?'}
                    {p.forkTid !== null && p.forkTid !== p.parent && <span class="muted"> (thread {p.forkTid})</span>}
                    <span class="muted"> at </span>
                    <MomentAt route={route} step={p.forkStep} tid={p.forkTid} testId="process-fork" />
                  </div>
                )}
                {p.programs.map((prog, i) =>
                  // a forked process starts as a copy of its parent's program: only its execs are news
                  i === 0 && p.forkStep !== null ? null : (
                    <div key={i} data-testid="process-program">
                      <span class="muted">{i === 0 ? 'ran ' : 'exec '}</span>
                      <span class="mono argv" data-testid="process-argv" title={prog.path}>
                        {shellWords(prog.argv)}
                      </span>
                      {prog.argv[0] !== prog.path && <span class="muted mono"> ({prog.path})</span>}
                      {i > 0 && (
                        <>
                          <span class="muted"> at </span>
                          <MomentAt route={route} step={prog.step} tid={main} testId="process-exec" />
                        </>
                      )}
                    </div>
                  ),
                )}
                <div>
                  <span class="muted">steps </span>
                  <MomentAt route={route} step={p.start} tid={main} testId="process-start" />
                  <span class="muted"> to </span>
                  {p.end !== null ? <MomentAt route={route} step={p.end} tid={main} testId="process-end" /> : <span class="muted">the end of the recording</span>}
                  {p.exit && <span class="muted"> · {p.exit}</span>}
                </div>
                {p.threads.length > 1 && (
                  <div class="muted">
                    threads{' '}
                    {p.threads.map((t, i) => (
                      <span key={t.tid}>
                        {i > 0 && ', '}
                        <MomentAt route={route} step={t.start} tid={t.tid} testId="process-thread">
                          {t.tid}
                        </MomentAt>
                      </span>
                    ))}
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </Dialog>
  );
}

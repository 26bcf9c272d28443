// The server's JSON API (docs/api.md). Errors arrive as RFC 9457 problem details; their `detail`
// is what the UI shows.

export interface Health {
  status: 'UP' | 'DOWN';
  version: string;
  database: { status: 'UP' | 'DOWN'; kind: string; product?: string; error?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    /** A bad expression's offset in the expression (print, children, executions). */
    readonly position?: number,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/** A share link's token, sent with every request of a page opened from a share link. */
let shareToken: string | undefined;
export function useShareToken(token: string | undefined) {
  shareToken = token;
}

function headers(extra?: HeadersInit): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', ...(extra as Record<string, string>) };
  if (shareToken) h['X-Omni-Share'] = shareToken;
  return h;
}

async function problem(response: Response): Promise<ApiError> {
  const body = await response.json().catch(() => undefined);
  return new ApiError(response.status, body?.title ?? response.statusText, body?.detail, typeof body?.position === 'number' ? body.position : undefined);
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { ...init, headers: headers(init?.headers) });
  if (!response.ok && !(response.status === 503 && path === '/api/health')) throw await problem(response);
  return (await response.json()) as T;
}

export async function getText(path: string, init?: RequestInit): Promise<string> {
  const response = await fetch(path, { ...init, headers: headers({ Accept: 'text/plain', ...(init?.headers as object) }) });
  if (!response.ok) throw await problem(response);
  return response.text();
}

/** A query string of the defined parameters. */
export function query(params: Record<string, string | number | bigint | undefined | null>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? '?' + parts.join('&') : '';
}

export const fetchHealth = () => getJson<Health>('/api/health');

// ---- traces

export type TraceStatus = 'queued' | 'indexing' | 'indexed' | 'failed';

export interface TraceSummaryRow {
  id: string;
  owner: string;
  createdAt: string;
  status: TraceStatus;
  progress: number;
  command: string;
  executable: string;
  recordedAt: string;
  fileSize: number;
  eventCount: number;
  complete: boolean;
  failureReason?: string;
  /** The recorded command's argv (servers before issue 14 leave these four out). */
  arguments?: string[];
  /** `exited with status 0`, `killed by SIGSEGV`; null when the recording did not finish. */
  exitStatus?: string | null;
  processCount?: number | null;
  /** The index's steps; null until indexed. */
  instructions?: number | null;
}

/** The moment a trace opens at: main's first line, the faulting instruction of a crash, else step 0. */
export interface Opening {
  step: number;
  pid: number;
  tid: number;
  reason: 'main' | 'crash' | 'start';
  function: string | null;
  file: string | null;
  line: number | null;
}

export interface TraceDetail extends TraceSummaryRow {
  index: null | {
    instructions: number;
    complete: boolean;
    problem: null | { kind: string; step: number; message: string };
    rows: Record<string, number>;
    /** Absent from servers before issue 14: those open at step 0. */
    opening?: Opening | null;
  };
  summary?: { processes?: { pid: number; threads?: number[] }[]; sources?: unknown };
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export const traceUrl = (id: string) => `/api/traces/${encodeURIComponent(id)}`;

export async function listTraces(cursor?: string | null, limit = 50): Promise<Page<TraceSummaryRow>> {
  const r = await getJson<{ traces: TraceSummaryRow[]; next: string | null }>('/api/traces' + query({ limit, cursor }));
  return { items: r.traces, next: r.next };
}

export const fetchTrace = (id: string) => getJson<TraceDetail>(traceUrl(id));

export async function deleteTrace(id: string): Promise<void> {
  const response = await fetch(traceUrl(id), { method: 'DELETE', headers: headers() });
  if (!response.ok) throw await problem(response);
}

export interface StatusEvent {
  id: string;
  status: TraceStatus;
  progress: number;
  failureReason: string | null;
}

/** Follows a trace's indexing (server-sent events) until it ends; returns a function that stops listening. */
export function watchTrace(id: string, onStatus: (e: StatusEvent) => void, onError: (message: string) => void): () => void {
  const source = new EventSource(traceUrl(id) + '/events' + query({ share: shareToken }));
  let ended = false;
  source.addEventListener('status', (e) => {
    const status = JSON.parse((e as MessageEvent).data) as StatusEvent;
    onStatus(status);
    if (status.status === 'indexed' || status.status === 'failed') {
      ended = true;
      source.close();
    }
  });
  source.onerror = () => {
    // The server ends the stream after the last state; anything else is a lost connection.
    if (!ended) onError('lost the connection to the server while following indexing');
    source.close();
  };
  return () => source.close();
}

export interface Uploaded {
  id: string;
  status: TraceStatus;
  fileSize: number;
}

/** Uploads a packed trace with XMLHttpRequest, which (unlike fetch) reports upload progress. */
export function uploadTrace(file: File, onProgress: (sent: number, total: number) => void): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/traces');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'Upload failed', 'the connection to the server was lost'));
    xhr.onload = () => {
      let body: { title?: string; detail?: string } | undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Uploaded);
      else reject(new ApiError(xhr.status, body?.title ?? `HTTP ${xhr.status}`, body?.detail));
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

// ---- queries over an indexed trace

export interface HistoryEntry {
  step: number;
  pid: number;
  tid: number;
  rip: string;
  function: string | null;
  file: string | null;
  line: number | null;
  addr: string;
  size: number;
  old: string;
  new: string;
  after: string;
  kernel: boolean;
}

export interface HistoryPage {
  addr: string;
  len: number;
  symbol?: string;
  entries: HistoryEntry[];
  next: string | null;
}

export interface HistoryQuery {
  symbol?: string;
  /** An expression designating memory, evaluated at `step` in `frame` of thread `tid`. */
  expr?: string;
  step?: bigint | number;
  frame?: number;
  tid?: number;
  addr?: string;
  len?: number;
  from?: bigint | number;
  to?: bigint | number;
  order?: 'asc' | 'desc';
  /** Only the writes made in this process. */
  pid?: number;
  limit?: number;
  cursor?: string | null;
}

export const fetchHistory = (id: string, q: HistoryQuery) =>
  getJson<HistoryPage>(traceUrl(id) + '/memory/history' + query({ ...q }));

export interface MemoryAt {
  step: number;
  pid: number;
  addr: string;
  len: number;
  bytes: string;
  unmapped: { addr: string; len: number }[];
}

/**
 * Memory at a step as the process of thread `at.tid` (or process `at.pid`) sees it: after a fork
 * each process has its own copy of every page (docs/api.md: the asking thread's process). Without
 * either, the process of the thread running at the step.
 */
export const fetchMemory = (id: string, addr: bigint, len: number, step: bigint, at: { tid?: number; pid?: number } = {}) =>
  getJson<MemoryAt>(traceUrl(id) + '/memory' + query({ addr: '0x' + addr.toString(16), len, step, tid: at.tid, pid: at.pid }));

export interface StackFrame {
  depth: number;
  callStep: number;
  function: string | null;
  callSite: string;
  callSiteFunction: string | null;
  file: string | null;
  line: number | null;
  args: string[];
}

export interface MomentDoc {
  step: number;
  pid: number;
  tid: number;
  running: boolean;
  rip: string;
  function: string | null;
  file: string | null;
  line: number | null;
  disassembly: { address: string; text: string; current: boolean }[];
  registers: Record<string, string>;
  stack: StackFrame[];
}

export const fetchMoment = (id: string, step: bigint, tid?: number) =>
  getJson<MomentDoc>(traceUrl(id) + `/steps/${step}` + query({ tid }));

export interface RegistersDoc {
  step: number;
  pid: number;
  tid: number;
  running: boolean;
  registers: Record<string, string>;
}

export const fetchRegisters = (id: string, step: bigint, tid?: number) =>
  getJson<RegistersDoc>(traceUrl(id) + '/registers' + query({ step, tid }));

export type MoveKind = 'next-instruction' | 'prev-instruction' | 'next-line' | 'prev-line' | 'step-in' | 'out' | 'call-start';

export interface Moved {
  /** Null where there is no such moment (the thread ends, no open call): `reason` says why. */
  step: number | null;
  pid: number;
  tid: number;
  to: MoveKind;
  reason?: string;
}

/** A move; `lenient`: where there is none the answer says why instead of failing with a 404. */
export const fetchMove = (id: string, step: bigint, to: MoveKind, tid?: number) =>
  getJson<Moved>(traceUrl(id) + `/steps/${step}/move` + query({ to, tid, lenient: 'true' }));

// ---- source-level values (gdb's view of a moment)

/** A value as gdb shows it: a variable, a member or element, an expression's result. */
export interface Value {
  name: string;
  /** Designates it in the same frame: for its children, its history, hovering. */
  expression: string;
  type: string;
  /** gdb's text: `{balance = 55, owner = 0x… "bob"}`, `<optimized out>`. */
  value: string;
  /** Where it is in memory; null when it is not (a register, a constant): no history then. */
  address: string | null;
  size: number;
  /** Members or elements to expand into; 0 for a scalar. */
  children: number;
}

/** A frame of a thread's stack at a moment, gdb's numbering: 0 is where the thread is. */
export interface Frame {
  index: number;
  function: string | null;
  pc: string;
  file: string | null;
  line: number | null;
  inlined: boolean;
  cfa: string | null;
  /** The step of the call that entered it, when the trace has it. */
  callStep: number | null;
  args: Value[];
}

export interface FramesDoc {
  step: number;
  pid: number;
  tid: number;
  frames: Frame[];
}

export interface VariablesDoc {
  step: number;
  pid: number;
  tid: number;
  frame: Frame;
  args: Value[];
  locals: Value[];
}

export interface Printed {
  expr: string;
  type: string;
  value: string;
  address: string | null;
  size: number;
  children: number;
  step: number;
  tid: number;
  frame: number;
}

export interface ChildrenPage {
  expr: string;
  offset: number;
  children: Value[];
  next: number | null;
}

/** Where a thread and frame are looked at: the step's running thread when tid is absent. */
export interface At {
  step: bigint;
  tid?: number;
  frame?: number;
}

const stepUrl = (id: string, at: At, what: string) => traceUrl(id) + `/steps/${at.step}/${what}`;

export const fetchFrames = (id: string, step: bigint, tid?: number) => getJson<FramesDoc>(stepUrl(id, { step }, 'frames') + query({ tid }));

export const fetchVariables = (id: string, at: At) =>
  getJson<VariablesDoc>(stepUrl(id, at, 'variables') + query({ tid: at.tid, frame: at.frame }));

export const fetchPrint = (id: string, at: At, expr: string) =>
  getJson<Printed>(stepUrl(id, at, 'print') + query({ expr, tid: at.tid, frame: at.frame }));

export const fetchChildren = (id: string, at: At, expr: string, offset = 0, limit = 100) =>
  getJson<ChildrenPage>(stepUrl(id, at, 'children') + query({ expr, tid: at.tid, frame: at.frame, offset, limit }));

/** A call's typed signature: the callee's parameters at its first line, its typed return value. */
export interface Signature {
  callStep: number;
  tid: number;
  function: string;
  /** The step at which the callee reached its first line (where its arguments were read). */
  firstLine: number;
  args: Value[];
  /** Null for void, a call that did not return, or a value not decoded. */
  returned: Value | null;
}

/** The typed signatures of calls of a thread (at most 200 call steps); calls without DWARF are left out. */
export const fetchSignatures = (id: string, tid: number, steps: readonly number[]) =>
  getJson<{ signatures: Signature[] }>(traceUrl(id) + '/calls/signatures' + query({ tid, steps: steps.join(',') }));

export interface Execution {
  step: number;
  tid: number;
  pid: number;
  address: string;
  values: Record<string, string>;
}

export interface ExecutionsPage {
  locations: { address: string; function: string | null; file: string | null; line: number | null }[];
  executions: Execution[];
  next: string | null;
}

export function fetchExecutions(
  id: string,
  target: { kind: 'line' | 'function' | 'address'; target: string },
  print: readonly string[],
  cursor?: string | null,
  limit = 100,
  from?: bigint,
): Promise<ExecutionsPage> {
  const q = query({ [target.kind]: target.target, from, limit, cursor }) + print.map((p) => `&print=${encodeURIComponent(p)}`).join('');
  return getJson<ExecutionsPage>(traceUrl(id) + '/executions' + q);
}

export interface CallEntry {
  callStep: number;
  returnStep: number | null;
  pid: number;
  tid: number;
  depth: number;
  callSite: string;
  target: string;
  function: string | null;
  args: string[];
  returnValue: string | null;
  unwound: boolean;
}

export async function fetchCalls(
  id: string,
  q: { parent?: number; tid?: number; function?: string; limit?: number; cursor?: string | null },
): Promise<Page<CallEntry>> {
  const r = await getJson<{ calls: CallEntry[]; next: string | null }>(traceUrl(id) + '/calls' + query(q));
  return { items: r.calls, next: r.next };
}

export interface SymbolDoc {
  name: string;
  kind: 'function' | 'variable';
  addr: string;
  size: number;
  type: string | null;
  module: string;
}

export const fetchSymbols = (id: string, q: string) =>
  getJson<{ symbols: SymbolDoc[] }>(traceUrl(id) + '/symbols' + query({ q, limit: 200 }));

export const fetchSource = (id: string, file: string) =>
  getText(traceUrl(id) + '/sources/' + encodeURIComponent(file));

export interface Timeline {
  instructions: number;
  buckets: {
    from: number;
    to: number;
    tasks: { tid: number; pid: number; instructions: number }[];
    syscalls: number;
    signals: number;
    calls: number;
  }[];
}

export const fetchTimeline = (id: string, buckets: number) =>
  getJson<Timeline>(traceUrl(id) + '/timeline' + query({ buckets }));

export interface Bookmark {
  id: number;
  traceId: string;
  step: number;
  addr: string | null;
  len: number | null;
  note: string | null;
  tid: number | null;
  createdBy: string;
  createdAt: string;
}

export const fetchBookmarks = (id: string) => getJson<Bookmark[]>(traceUrl(id) + '/bookmarks');

export const addBookmark = (id: string, b: { step: string; addr?: string; len?: number; note?: string; tid?: number }) =>
  getJson<Bookmark>(traceUrl(id) + '/bookmarks', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    // the step is a 64-bit number: written into the JSON by hand so that it is never rounded
    body: JSON.stringify({ ...b, step: 0 }).replace('"step":0', `"step":${b.step}`),
  });

export interface ShareLink {
  id: string;
  token: string;
  url: string;
}

/** A read-only link for people without an account (the owner only); its token is shown once. */
export const createShare = (id: string) => getJson<ShareLink>(traceUrl(id) + '/shares', { method: 'POST' });

// ---- data flow: where a value came from, where it went

/** A node of an origin tree (docs/api.md, "Data flow"): where a value was produced. */
export interface OriginNode {
  kind: 'compute' | 'copy' | 'syscall' | 'initial' | 'constant' | 'unknown';
  /** The moment of the instruction that produced it; -1 (or null) for what was there from the start. */
  step?: number | null;
  tid?: number | null;
  pid?: number | null;
  rip?: string | null;
  function?: string | null;
  file?: string | null;
  line?: number | null;
  disassembly?: string | null;
  /** Where the value lived: `balance (0x555555558038, 4 bytes)`, `eax`. */
  location?: string | null;
  /** How the consuming instruction named this input (`edx`, `dword ptr [rbp - 4]`). */
  operand?: string | null;
  value?: string | null;
  /** A copying routine (memcpy, strcpy...) and the function that called it. */
  routine?: string | null;
  caller?: string | null;
  syscall?: { name?: string | null; fd?: number | null; path?: string | null; offset?: number | null; length?: number | null; result?: number | string | null; args?: unknown; [k: string]: unknown } | null;
  initial?: { what: string; [k: string]: unknown } | null;
  note?: string | null;
  /** Asks about this node again: `origin?node=` (its inputs when `expand`), `uses?node=`. */
  node?: string | null;
  /** Its inputs were left out (depth or size): ask its node for them. */
  expand?: boolean | null;
  inputs: OriginNode[];
  /** The copies that carried the value from this node to the question, nearest the question first. */
  via: OriginNode[];
}

export interface Produced {
  location: string;
  value?: string | null;
  node?: string | null;
}

export interface Use {
  step: number;
  pid: number;
  tid: number;
  rip: string;
  function: string | null;
  file: string | null;
  line: number | null;
  disassembly: string;
  read: string;
  operand: string;
  copy: boolean;
  produced: Produced[];
}

export interface UsesPage {
  location: string;
  from: number;
  /** The step its last byte was overwritten; null: never, within the trace. */
  until: number | null;
  uses: Use[];
  next: string | null;
  scannedTo: number;
}

/** The value parameters of a data-flow question: exactly one of node, addr+len, reg, expr (+frame), at step and tid. */
export type FlowParams =
  | { node: string }
  | { step: bigint; tid?: number; addr: string; len: number }
  | { step: bigint; tid?: number; reg: string }
  | { step: bigint; tid?: number; expr: string; frame: number };

export const fetchOrigin = (id: string, q: FlowParams, depth?: number) =>
  getJson<OriginNode>(traceUrl(id) + '/origin' + query({ ...q, depth }));

export const fetchUses = (id: string, q: FlowParams, cursor?: string | null, limit = 50) =>
  getJson<UsesPage>(traceUrl(id) + '/uses' + query({ ...q, limit, cursor }));

// ---- processes and their output

/** A program a process ran: the first one (inherited at fork) and every execve's. */
export interface ProgramRun {
  path: string;
  argv: string[];
  /** The step it starts running from (its execve's moment; 0 or the fork step for the first). */
  step: number;
}

export interface ProcessThread {
  tid: number;
  start: number;
  end: number | null;
}

/** A recorded process (docs/api.md, "Processes"). */
export interface ProcessInfo {
  pid: number;
  parent: number | null;
  /** The step of the parent's fork/clone/vfork system call instruction, and the parent thread that made it. */
  forkStep: number | null;
  forkTid: number | null;
  start: number;
  /** Its last step; null when the trace ends with it alive. */
  end: number | null;
  exit: string | null;
  exitCode: number | null;
  signal: string | null;
  programs: ProgramRun[];
  threads: ProcessThread[];
}

/** The processes of a trace in order of appearance. */
export const fetchProcesses = (id: string) => getJson<{ processes: ProcessInfo[] }>(traceUrl(id) + '/processes');

/** What one system call of a recorded process wrote to a descriptor inherited from outside the recording. */
export interface OutputChunk {
  step: number;
  pid: number;
  tid: number;
  fd: number;
  /** "stdout", "stderr" or "fdN". */
  stream: string;
  /** The bytes as UTF-8 (invalid bytes as U+FFFD). */
  text: string;
  /** Where in memory the bytes were, at `step` (for "where did this come from"). */
  buffers: { addr: string; len: number }[];
}

export interface OutputPage {
  chunks: OutputChunk[];
  next: string | null;
}

export const fetchOutput = (id: string, q: { limit?: number; cursor?: string | null; pid?: number }) =>
  getJson<OutputPage>(traceUrl(id) + '/output' + query({ ...q }));

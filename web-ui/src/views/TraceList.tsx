// The trace list: upload (drag and drop or a file picker) with upload progress, then indexing
// progress followed live over server-sent events; open and delete.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  deleteTrace,
  listTraces,
  uploadTrace,
  watchTrace,
  type StatusEvent,
  type TraceSummaryRow,
} from '../api';
import { message } from '../hooks';
import { formatBytes } from '../format';
import { TraceRow } from './TraceRow';

interface UploadState {
  id: number;
  name: string;
  sent: number;
  total: number;
  error?: string;
}

let uploadCount = 0;

export function TraceList() {
  const [traces, setTraces] = useState<TraceSummaryRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const load = (cursor: string | null) => {
    setLoading(true);
    listTraces(cursor).then(
      (page) => {
        setTraces((old) => (cursor ? [...old, ...page.items] : page.items));
        setNext(page.next);
        setError(undefined);
        setLoading(false);
      },
      (e) => {
        setError(message(e));
        setLoading(false);
      },
    );
  };
  useEffect(() => load(null), []);

  // Follow every trace that is still being indexed.
  const pending = traces.filter((t) => t.status === 'queued' || t.status === 'indexing').map((t) => t.id);
  useEffect(() => {
    const stops = pending.map((id) =>
      watchTrace(
        id,
        (e: StatusEvent) =>
          setTraces((old) =>
            old.map((t) => (t.id === e.id ? { ...t, status: e.status, progress: e.progress, failureReason: e.failureReason ?? undefined } : t)),
          ),
        (m) => setError(m),
      ),
    );
    return () => stops.forEach((stop) => stop());
  }, [pending.join(',')]);

  const upload = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const id = ++uploadCount;
      setUploads((u) => [...u, { id, name: file.name, sent: 0, total: file.size }]);
      const update = (change: Partial<UploadState>) => setUploads((u) => u.map((x) => (x.id === id ? { ...x, ...change } : x)));
      uploadTrace(file, (sent, total) => update({ sent, total })).then(
        () => {
          setUploads((u) => u.filter((x) => x.id !== id));
          load(null);
        },
        (e) => update({ error: message(e) }),
      );
    }
  };

  const remove = (t: TraceSummaryRow) => {
    if (!confirm(`Delete the trace of ${t.command || t.id}? Its bookmarks and share links go with it.`)) return;
    deleteTrace(t.id).then(
      () => setTraces((old) => old.filter((x) => x.id !== t.id)),
      (e) => setError(message(e)),
    );
  };

  return (
    <section
      class={'trace-list' + (dragging ? ' dragging' : '')}
      data-testid="traces"
      data-loading={String(loading)}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        upload(e.dataTransfer?.files ?? null);
      }}
    >
      <div class="list-head">
        <h1>Recordings</h1>
        <button class="primary" onClick={() => picker.current?.click()}>
          Upload a trace…
        </button>
        <input
          ref={picker}
          type="file"
          accept=".omnitrace"
          data-testid="upload-input"
          hidden
          onChange={(e) => {
            upload((e.target as HTMLInputElement).files);
            (e.target as HTMLInputElement).value = '';
          }}
        />
      </div>
      <div class="dropzone" data-testid="dropzone">
        Drop a packed trace (<code>*.omnitrace</code>) here, or record and upload from a terminal:
        <pre>omni record -o run -- ./your-program args{'\n'}omni upload run</pre>
      </div>
      {uploads.map((u) => (
        <div class="upload" data-testid="upload" key={u.id}>
          <span class="mono">{u.name}</span>
          {u.error ? (
            <span class="error" data-testid="upload-error">
              {u.error}
            </span>
          ) : (
            <>
              <progress max={u.total} value={u.sent} />
              <span class="muted">
                {formatBytes(u.sent)} / {formatBytes(u.total)}
              </span>
            </>
          )}
          {u.error && <button onClick={() => setUploads((x) => x.filter((y) => y.id !== u.id))}>Dismiss</button>}
        </div>
      ))}
      {error && (
        <div class="error" role="alert" data-testid="error">
          {error}
        </div>
      )}
      <table class="traces">
        <thead>
          <tr>
            <th>Program and arguments</th>
            <th>Exit</th>
            <th class="num">Steps</th>
            <th class="num" title="Processes">Proc.</th>
            <th class="num">Size</th>
            <th>Uploaded</th>
            <th>Id</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => (
            <TraceRow key={t.id} t={t} onDelete={() => remove(t)} />
          ))}
        </tbody>
      </table>
      {loading && <div class="muted">Loading…</div>}
      {!loading && traces.length === 0 && !error && <div class="muted">No recordings yet.</div>}
      {next && !loading && <button onClick={() => load(next)}>More…</button>}
    </section>
  );
}

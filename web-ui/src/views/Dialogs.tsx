// The help overlay and the share dialog (copy the link, save it as a bookmark, open bookmarks).
import { useEffect, useState } from 'preact/hooks';
import { addBookmark, createShare, fetchBookmarks } from '../api';
import { Link } from '../components/Link';
import { Status } from '../components/Panel';
import { groupDigits } from '../format';
import { message, useAsync } from '../hooks';
import { formatAddress, formatRoute, parseAddress, type Moment } from '../route';
import { MOVES, OTHER_KEYS } from './keys';

export function Dialog(props: { title: string; onClose: () => void; children: preact.ComponentChildren; testId: string; class?: string }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class={'dialog ' + (props.class ?? '')} role="dialog" aria-label={props.title} data-testid={props.testId}>
        <header>
          <h2>{props.title}</h2>
          <button class="quiet" onClick={props.onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="help">
      <table class="keys">
        <tbody>
          {[...MOVES, ...OTHER_KEYS].map((k) => (
            <tr key={k.key}>
              <td>
                <kbd>{k.key}</kbd>
              </td>
              <td>{k.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}

/** The link's first line is a bookmark's name, the rest its note. */
export function splitNote(note: string | null): { name: string; rest: string } {
  const [name, ...rest] = (note ?? '').split('\n');
  return { name: name || 'Untitled', rest: rest.join('\n') };
}

export function ShareDialog({ route, selected, onClose }: { route: Moment; selected?: { addr: bigint; len: number }; onClose: () => void }) {
  const [token, setToken] = useState(route.share);
  const link = location.origin + formatRoute({ ...route, share: token });
  const [copied, setCopied] = useState<string>();
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  const bookmarks = useAsync(() => fetchBookmarks(route.traceId), [route.traceId, version]);
  const range = route.selection && 'addr' in route.selection ? route.selection : selected;

  const copy = () =>
    navigator.clipboard.writeText(link).then(
      () => setCopied('Link copied.'),
      () => setCopied('Copy it from the field above (the browser refused the clipboard).'),
    );
  const save = (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setError(undefined);
    addBookmark(route.traceId, {
      step: route.step.toString(),
      tid: route.tid,
      addr: range ? formatAddress(range.addr) : undefined,
      len: range?.len,
      note: note ? `${name}\n${note}` : name,
    }).then(
      () => {
        setSaving(false);
        setName('');
        setNote('');
        setVersion((v) => v + 1);
      },
      (err) => {
        setSaving(false);
        setError(message(err));
      },
    );
  };
  return (
    <Dialog title="Share this moment" onClose={onClose} testId="share">
      <div class="share-link">
        <input class="mono" readOnly value={link} data-testid="share-link" onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button class="primary" onClick={copy} data-testid="copy-link">
          Copy link
        </button>
      </div>
      {copied && <div class="muted">{copied}</div>}
      {!token && (
        <button
          class="quiet"
          data-testid="create-share"
          title="A link that opens this trace read-only, for people without an account (needs the trace's owner)"
          onClick={() =>
            createShare(route.traceId).then(
              (share) => {
                setToken(share.token);
                setCopied('The link now carries a read-only share token: copy it again.');
              },
              (e) => setError(message(e)),
            )
          }
        >
          Make it a read-only link for people without an account…
        </button>
      )}
      <form class="bookmark-form" onSubmit={save}>
        <h3>Save as a bookmark</h3>
        <input placeholder="name" value={name} required maxLength={200} onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid="bookmark-name" />
        <textarea placeholder="note (optional)" value={note} maxLength={1700} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} data-testid="bookmark-note" />
        <button type="submit" disabled={saving || !name} data-testid="save-bookmark">
          {saving ? 'Saving…' : 'Save bookmark'}
        </button>
        <Status error={error} />
      </form>
      <h3>Bookmarks of this trace</h3>
      <Status error={bookmarks.error} loading={bookmarks.loading && !bookmarks.data} empty={bookmarks.data?.length === 0 ? 'None yet.' : undefined} />
      <ul class="bookmarks" data-testid="bookmarks">
        {bookmarks.data?.map((b) => {
          const { name: title, rest } = splitNote(b.note);
          const addr = parseAddress(b.addr);
          const href = formatRoute({
            kind: 'moment',
            traceId: route.traceId,
            step: BigInt(b.step),
            tid: b.tid ?? undefined,
            selection: addr !== undefined && b.len ? { addr, len: b.len } : undefined,
            panels: route.panels,
            share: route.share,
          });
          return (
            <li key={b.id} data-testid="bookmark" onClick={onClose}>
              <Link href={href} testId="bookmark-link">
                {title}
              </Link>{' '}
              <span class="muted mono">
                step {groupDigits(b.step)}
                {b.addr && ` · ${b.addr} (${b.len} B)`}
              </span>
              {rest && <div class="muted note">{rest}</div>}
            </li>
          );
        })}
      </ul>
    </Dialog>
  );
}

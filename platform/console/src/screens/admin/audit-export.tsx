/**
 * Downloads every event of the search (`GET /v1/audit/export`, CSV or JSON Lines): fetched with
 * the session's token (a plain link could not carry it) and handed to the browser as a file.
 */
import { useState } from 'react';
import { useConsole } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { auditQueryOf, exportFileName } from './audit-query.js';
import type { AuditFilter } from './audit-query.js';

function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has started from the URL; free it once the browser has taken it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function AuditExport({ filter }: { filter: AuditFilter }) {
  const { client } = useConsole();
  const [busy, setBusy] = useState<'csv' | 'jsonl' | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const download = async (format: 'csv' | 'jsonl') => {
    setBusy(format);
    setError(undefined);
    setSaved(undefined);
    try {
      const { cursor: _page, ...search } = filter;
      const response = await client.request('GET', '/v1/audit/export', {
        query: { format, ...auditQueryOf(search) },
      });
      const name = exportFileName(filter, format, new Date());
      saveFile(await response.blob(), name);
      setSaved(`Saved ${name}.`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <div>
      <div className="actions">
        <span>Every matching event:</span>
        <button type="button" disabled={busy !== undefined} onClick={() => void download('csv')}>
          {busy === 'csv' ? 'Exporting…' : 'Export CSV'}
        </button>
        <button type="button" disabled={busy !== undefined} onClick={() => void download('jsonl')}>
          {busy === 'jsonl' ? 'Exporting…' : 'Export JSON Lines'}
        </button>
        <span role="status">{saved}</span>
      </div>
      <ErrorMessage error={error} what="Could not export the audit log" />
    </div>
  );
}

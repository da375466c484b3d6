import { useCallback, useEffect, useRef, useState } from 'react';
import type { FileRef, ImportJob, ImportOptions } from '@shared/api/contract/imports';
import { AppError, isWireError } from '@shared/api/errors';
import { useApi } from '../../app/api';
import { uploadFile, type ImportSource } from './fileRefs';

/** What the import dialog hands over: each file as the preview settled it. */
export interface ImportRequest {
  file: ImportSource;
  member?: string;
  options: ImportOptions;
}

/** Browser mode sends files before the owner can read them: that part lives in this window. */
export interface Upload {
  key: string;
  files: string[];
  sentBytes: number;
  totalBytes: number;
  error: AppError | null;
}

/**
 * The imports of the owner process (running and finished), kept current by its events, and
 * the uploads this window is still sending for imports about to start.
 */
export function useImportJobs() {
  const api = useApi();
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const uploadAborts = useRef(new Map<string, AbortController>());

  useEffect(() => {
    let current = true;
    const upsert = (job: ImportJob) => setJobs((all) => [job, ...all.filter((j) => j.jobId !== job.jobId)]);
    const stopJob = api.on('import.job', ({ job, dismissed }) =>
      dismissed ? setJobs((all) => all.filter((j) => j.jobId !== job.jobId)) : upsert(job),
    );
    const stopProgress = api.on('import.progress', (progress) =>
      setJobs((all) => all.map((j) => (j.jobId === progress.jobId && j.phase === 'running' ? { ...j, progress } : j))),
    );
    void api.call('import.jobs', {}).then((listed) => {
      // Events that arrived meanwhile are newer than the list.
      if (current) setJobs((seen) => [...seen, ...listed.filter((j) => !seen.some((s) => s.jobId === j.jobId))]);
    });
    return () => {
      current = false;
      stopJob();
      stopProgress();
    };
  }, [api]);

  const start = useCallback(
    async (requests: ImportRequest[], engine?: string) => {
      const key = `upload-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const blobs = requests.filter((r) => r.file.kind === 'blob');
      const controller = new AbortController();
      const patch = (change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));
      if (blobs.length) {
        uploadAborts.current.set(key, controller);
        setUploads((all) => [
          { key, files: requests.map((r) => r.file.name), sentBytes: 0, totalBytes: blobs.reduce((sum, r) => sum + r.file.size, 0), error: null },
          ...all,
        ]);
      }
      try {
        const files: { file: FileRef; options: ImportOptions }[] = [];
        let sentBefore = 0;
        for (const request of requests) {
          const member = request.member ? { member: request.member } : {};
          if (request.file.kind === 'blob') {
            const ref = await uploadFile(request.file.blob, (sent) => patch({ sentBytes: sentBefore + sent }), controller.signal);
            sentBefore += request.file.size;
            files.push({ file: { ...ref, lastModified: request.file.blob.lastModified, ...member }, options: request.options });
          } else {
            files.push({ file: { path: request.file.path, ...member }, options: request.options });
          }
        }
        const job = await api.call('import.start', { files, origin: 'dropped', ...(engine ? { engine } : {}) });
        setJobs((all) => (all.some((j) => j.jobId === job.jobId) ? all : [job, ...all]));
        setUploads((all) => all.filter((u) => u.key !== key));
      } catch (error) {
        if (controller.signal.aborted) setUploads((all) => all.filter((u) => u.key !== key));
        else patch({ error: toAppError(error) });
      } finally {
        uploadAborts.current.delete(key);
      }
    },
    [api],
  );

  const cancel = useCallback((jobId: string) => void api.call('import.cancel', { jobId }), [api]);
  const dismiss = useCallback((jobId: string) => void api.call('import.dismiss', { jobId }), [api]);
  const cancelUpload = useCallback((key: string) => {
    const controller = uploadAborts.current.get(key);
    if (controller) controller.abort();
    else setUploads((all) => all.filter((u) => u.key !== key));
  }, []);

  return { jobs, uploads, start, cancel, dismiss, cancelUpload };
}
export type ImportJobsState = ReturnType<typeof useImportJobs>;

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isWireError(error)) return new AppError(error.code, error.params);
  return new AppError('internal', { message: error instanceof Error ? error.message : String(error) });
}

/** Messages between the main thread and scan workers (plain data: structured-clone safe). */
import type { DetectOptions } from '../engine/detect.js';
import type { Finding } from '../types.js';

export interface WorkerInit {
  ruleFiles: string[];
  disabledRules: string[];
  detect: Partial<DetectOptions>;
}

/** A batch of files: display path and filesystem path. */
export interface WorkerBatch {
  id: number;
  files: [display: string, file: string | Uint8Array][];
}

/** A batch of git blobs read by the main thread: their bytes in one transferred buffer. */
export interface WorkerBlobBatch {
  id: number;
  blobs: [path: string, blob: string, start: number, end: number][];
  data: ArrayBuffer;
}

export interface WorkerResult {
  id: number;
  findings: Finding[];
  files: number;
  bytes: number;
  /** Of `files`, how many were binary. */
  binaryFiles: number;
  /** Archive members scanned inside those files. */
  members: number;
  /** Files that could not be read (the file system said why). */
  unreadable: string[];
  /** An unexpected failure: the scan must stop (fatal, never a warning). */
  error?: string;
}

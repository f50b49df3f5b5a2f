/**
 * Job objects: a set of processes that Windows keeps together. A process in
 * a job puts every process it creates into the job too (unless they break
 * away), so terminating the job ends a whole tree — grandchildren included —
 * and a kill-on-close job ends it when its last handle closes, which is when
 * its owner dies by any means.
 *
 * @module
 */

import { alloc, view } from "../../runtime/ffi.ts";
import {
  ERROR_INSUFFICIENT_BUFFER,
  type Handle,
  JOB_OBJECT_LIMIT_BREAKAWAY_OK,
  JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
  JobObjectBasicAccountingInformation,
  JobObjectBasicProcessIdList,
  JobObjectExtendedLimitInformation,
  type Kernel32,
  validHandle,
} from "./kernel32.ts";

/** `JOBOBJECT_EXTENDED_LIMIT_INFORMATION`: 144 bytes, `LimitFlags` at 16. */
const LIMIT_INFO_SIZE = 144;
const LIMIT_FLAGS_OFFSET = 16;
/** `JOBOBJECT_BASIC_ACCOUNTING_INFORMATION`: 48 bytes, `ActiveProcesses`
 * at 40. */
const ACCOUNTING_SIZE = 48;
const ACTIVE_PROCESSES_OFFSET = 40;

/** Errors of a too small buffer (`ERROR_MORE_DATA` for the PID list). */
const TOO_SMALL: ReadonlySet<number> = new Set([
  ERROR_INSUFFICIENT_BUFFER,
  234,
]);

/** How a new job treats its processes. */
export interface JobLimits {
  /** End every process in the job when its last handle closes. */
  readonly killOnClose: boolean;
  /** Let processes in the job create children that break away from it
   * (`CREATE_BREAKAWAY_FROM_JOB`), as they could without us. */
  readonly breakawayOk: boolean;
}

/** A job object of ours. */
export class Job {
  readonly #k: Kernel32;
  #handle: Handle | null;

  private constructor(k: Kernel32, handle: Handle) {
    this.#k = k;
    this.#handle = handle;
  }

  /** Creates an anonymous job, or returns `null` when Windows refuses. */
  static create(k: Kernel32, limits: JobLimits): Job | null {
    const handle = validHandle(k.CreateJobObjectW(0n, 0n));
    if (handle === null) return null;
    const job = new Job(k, handle);
    const flags =
      (limits.killOnClose ? JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE : 0) |
      (limits.breakawayOk ? JOB_OBJECT_LIMIT_BREAKAWAY_OK : 0);
    if (flags !== 0 && !job.setLimitFlags(flags)) {
      job.close();
      return null;
    }
    return job;
  }

  /** The job's handle (valid until {@linkcode Job.close}). */
  get handle(): Handle {
    if (this.#handle === null) throw new Error("The job was closed");
    return this.#handle;
  }

  /** Replaces the job's limit flags (`JOB_OBJECT_LIMIT_*`). */
  setLimitFlags(flags: number): boolean {
    const info = alloc(LIMIT_INFO_SIZE);
    view(info).setUint32(LIMIT_FLAGS_OFFSET, flags, true);
    return this.#k.SetInformationJobObject(
      this.handle,
      JobObjectExtendedLimitInformation,
      info,
      LIMIT_INFO_SIZE,
    ) !== 0;
  }

  /** Puts `process` (a handle with `PROCESS_SET_QUOTA |
   * PROCESS_TERMINATE`) in the job. */
  assign(process: Handle): boolean {
    return this.#k.AssignProcessToJobObject(this.handle, process) !== 0;
  }

  /** `true` when `process` is in this job. */
  contains(process: Handle): boolean {
    const result = alloc(4);
    if (this.#k.IsProcessInJob(process, this.handle, result) === 0) {
      return false;
    }
    return view(result).getInt32(0, true) !== 0;
  }

  /** How many processes of the job still run. */
  activeProcesses(): number {
    const info = this.#query(
      JobObjectBasicAccountingInformation,
      ACCOUNTING_SIZE,
    );
    return info === null
      ? 0
      : view(info).getUint32(ACTIVE_PROCESSES_OFFSET, true);
  }

  /** The PIDs of the job's processes. */
  processIds(): number[] {
    if (this.#handle === null) return [];
    // JOBOBJECT_BASIC_PROCESS_ID_LIST: two u32 counts, then ULONG_PTR PIDs.
    for (let capacity = 64; capacity <= 65536; capacity *= 4) {
      const info = this.#query(JobObjectBasicProcessIdList, 8 + 8 * capacity);
      if (info === null && TOO_SMALL.has(this.#k.GetLastError())) continue;
      if (info === null) return [];
      const v = view(info);
      const count = Math.min(v.getUint32(4, true), capacity);
      const pids: number[] = [];
      for (let i = 0; i < count; i++) {
        pids.push(Number(v.getBigUint64(8 + 8 * i, true)));
      }
      return pids;
    }
    return [];
  }

  /** `QueryInformationJobObject` of class `infoClass` into `size` bytes;
   * `null` when it fails (`GetLastError` says why) or the job is closed. */
  #query(infoClass: number, size: number): Uint8Array | null {
    if (this.#handle === null) return null;
    const info = alloc(size);
    const ok = this.#k.QueryInformationJobObject(
      this.#handle,
      infoClass,
      info,
      size,
      null,
    );
    return ok === 0 ? null : info;
  }

  /** Ends every process in the job with exit code `code`. */
  terminate(code: number): boolean {
    if (this.#handle === null) return false;
    return this.#k.TerminateJobObject(this.#handle, code) !== 0;
  }

  /** Closes our handle. A kill-on-close job ends its processes now. */
  close(): void {
    if (this.#handle === null) return;
    this.#k.CloseHandle(this.#handle);
    this.#handle = null;
  }
}

/** `true` when `process` is in any job. */
export function isInAnyJob(k: Kernel32, process: Handle): boolean {
  const result = alloc(4);
  if (k.IsProcessInJob(process, 0n, result) === 0) return false;
  return view(result).getInt32(0, true) !== 0;
}

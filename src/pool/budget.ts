/**
 * Time budgets of a document in its OCR thread, as pure decisions (table-tested in test/unit/budget.test.ts).
 *
 * A poison PDF (a million fills on one page, forms nested eight deep) keeps MuPDF or tesseract busy for
 * hours while the lease is happily renewed: without a budget the worker is lost and the documents behind
 * it wait. The thread's host checks these budgets from the main thread's event loop, which stays free
 * whatever the OCR thread is doing, and terminates the thread when one is spent.
 */

export interface TimeBudgets {
  /** One page, render + OCR (OCR_PAGE_TIMEOUT_MS). */
  pageMs: number;
  /** The whole document in the OCR thread (OCR_DOCUMENT_TIMEOUT_MS). */
  documentMs: number;
}

/** Where a running document is: `page` 0 while the PDF is being opened. */
export interface DocumentClock {
  startedAt: number;
  page: number;
  pages: number;
  stage: string;
  pageStartedAt: number;
}

export type BudgetVerdict = { over: false; recheckInMs: number } | { over: true; scope: 'page' | 'document'; message: string };

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** Is either budget spent at `now`? If not, when to look again (the earlier of the two deadlines). */
export function checkBudgets(clock: DocumentClock, budgets: TimeBudgets, now: number): BudgetVerdict {
  const page = Math.max(1, clock.page);
  const pageLeft = clock.pageStartedAt + budgets.pageMs - now;
  const docLeft = clock.startedAt + budgets.documentMs - now;
  if (docLeft <= 0) {
    const where = clock.pages > 0 ? `page ${page} of ${clock.pages}` : `page ${page}`;
    return { over: true, scope: 'document', message: `document exceeded the document time budget of ${seconds(budgets.documentMs)} (at ${where}, ${clock.stage})` };
  }
  if (pageLeft <= 0) {
    return { over: true, scope: 'page', message: `page ${page} exceeded the page time budget of ${seconds(budgets.pageMs)} (${clock.stage})` };
  }
  return { over: false, recheckInMs: Math.max(1, Math.min(pageLeft, docLeft)) };
}

/** The clock after a progress report: a new page restarts the page budget, a new stage does not. */
export function advanceClock(clock: DocumentClock, progress: { page: number; pages: number; stage: string }, now: number): DocumentClock {
  const newPage = progress.page !== clock.page;
  return {
    startedAt: clock.startedAt,
    page: progress.page,
    pages: progress.pages,
    stage: progress.stage,
    pageStartedAt: newPage ? now : clock.pageStartedAt,
  };
}

/**
 * A job handed back at shutdown gets its attempt back only when it ran for less than one page budget.
 * Refunding every interrupted job let a poison document that outlives every restart be claimed first
 * again, forever; a job that has run longer than a page budget has had its fair try.
 */
export function refundOnRelease(runningMs: number, budgets: Pick<TimeBudgets, 'pageMs'>): boolean {
  return runningMs < budgets.pageMs;
}

/**
 * Is a running job past its budget by more than `graceMs`? The host terminates a thread at its budget,
 * so this only happens when that failed (or the pool that runs it predates budgets): the reason for
 * /readyz and check-ocr-queue, or null.
 */
export function pastBudget(clock: DocumentClock, budgets: TimeBudgets, now: number, graceMs: number): string | null {
  const v = checkBudgets(clock, { pageMs: budgets.pageMs + graceMs, documentMs: budgets.documentMs + graceMs }, now);
  if (!v.over) return null;
  const page = Math.max(1, clock.page);
  const pageFor = now - clock.pageStartedAt;
  const docFor = now - clock.startedAt;
  return docFor > budgets.documentMs + graceMs
    ? `running for ${seconds(docFor)}, past the document time budget of ${seconds(budgets.documentMs)}`
    : `on page ${page} (${clock.stage}) for ${seconds(pageFor)}, past the page time budget of ${seconds(budgets.pageMs)}`;
}
